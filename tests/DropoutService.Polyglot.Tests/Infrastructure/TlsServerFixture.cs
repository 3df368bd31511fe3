using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>
/// A second real server, serving TLS with a self-signed certificate for "localhost" and 127.0.0.1
/// generated at start (Server:CertificatePath/CertificateKeyPath as PEM files). The certificate
/// is also the clients' trust root (<see cref="CaPath"/>).
/// </summary>
public sealed class TlsServerFixture : ServerFixture
{
    /// <summary>PEM certificate to trust.</summary>
    public string CaPath { get; private set; } = "";

    /// <summary>localhost:port, matching the certificate's DNS name.</summary>
    public string TlsAddress => "localhost:" + Address.Split(':')[1];

    protected override bool AllowExternalServer => false;

    protected override void Configure(IDictionary<string, string?> environment, DirectoryInfo store)
    {
        string dir = Directory.CreateDirectory(Path.Combine(store.FullName, "tls")).FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        CaPath = Path.Combine(dir, "server.crt");
        string keyPath = Path.Combine(dir, "server.key");
        File.WriteAllText(CaPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        environment["DROPOUT_SERVER__CERTIFICATEPATH"] = CaPath;
        environment["DROPOUT_SERVER__CERTIFICATEKEYPATH"] = keyPath;
    }

    protected override GrpcChannel CreateProbeChannel() => GrpcChannel.ForAddress($"https://{Address}", new GrpcChannelOptions
    {
        // The probe only waits for SERVING; the clients under test do the real certificate checks.
        HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
    });
}
