using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>
/// A real server with authentication on: TLS with a certificate from a CA made at start, client
/// certificates from that CA trusted ("trainer" mapped to train), and a keys file whose keys
/// were made by the server's own <c>--new-key</c> command (predict, admin), re-read on every call.
/// The keys file uses deploy/new-api-key.sh's layout, so that script can add keys to it.
/// </summary>
public sealed class AuthServerFixture : ServerFixture
{
    public string CaPath { get; private set; } = "";

    public string ClientCertPath { get; private set; } = "";

    public string ClientKeyPath { get; private set; } = "";

    public string UntrustedCertPath { get; private set; } = "";

    public string UntrustedKeyPath { get; private set; } = "";

    public string KeysFile { get; private set; } = "";

    public string PredictKey { get; private set; } = "";

    public string AdminKey { get; private set; } = "";

    /// <summary>localhost:port, matching the server certificate's DNS name.</summary>
    public string TlsAddress => "localhost:" + Address.Split(':')[1];

    protected override bool AllowExternalServer => false;

    protected override void Configure(IDictionary<string, string?> environment, DirectoryInfo store)
    {
        string dir = Directory.CreateDirectory(Path.Combine(store.FullName, "auth")).FullName;
        using var ca = CreateCa("CN=polyglot test CA");
        using var otherCa = CreateCa("CN=untrusted CA");
        CaPath = WritePem(dir, "ca.pem", ca);
        var (serverCert, serverKey) = WriteIssued(dir, "server", ca, "CN=localhost", "1.3.6.1.5.5.7.3.1", server: true);
        (ClientCertPath, ClientKeyPath) = WriteIssued(dir, "trainer", ca, "CN=trainer", "1.3.6.1.5.5.7.3.2", server: false);
        (UntrustedCertPath, UntrustedKeyPath) = WriteIssued(dir, "untrusted", otherCa, "CN=trainer", "1.3.6.1.5.5.7.3.2", server: false);

        var predict = NewKey("py-predict", "predict");
        var admin = NewKey("ops", "admin");
        PredictKey = predict.Key;
        AdminKey = admin.Key;
        KeysFile = Path.Combine(dir, "api-keys.json");
        File.WriteAllText(KeysFile, "{\"keys\": [\n  " + predict.Entry + ",\n  " + admin.Entry + "\n]}\n");

        environment["DROPOUT_SERVER__CERTIFICATEPATH"] = serverCert;
        environment["DROPOUT_SERVER__CERTIFICATEKEYPATH"] = serverKey;
        environment["DROPOUT_AUTH__KEYSFILE"] = KeysFile;
        environment["DROPOUT_AUTH__KEYSRELOADSECONDS"] = "0";
        environment["DROPOUT_AUTH__CERTIFICATES__TRUSTEDCAPATH"] = CaPath;
        environment["DROPOUT_AUTH__CERTIFICATES__CLIENTS__0__SUBJECT"] = "trainer";
        environment["DROPOUT_AUTH__CERTIFICATES__CLIENTS__0__ROLES__0"] = "train";
    }

    /// <summary>Client environment with the TLS files and keys, and without any credential variable.</summary>
    public Dictionary<string, string> AuthEnvironment()
    {
        var env = ClientEnvironment();
        env["TLS_ADDRESS"] = TlsAddress;
        env["TLS_CA"] = CaPath;
        env["CLIENT_CERT"] = ClientCertPath;
        env["CLIENT_KEY"] = ClientKeyPath;
        env["UNTRUSTED_CERT"] = UntrustedCertPath;
        env["UNTRUSTED_KEY"] = UntrustedKeyPath;
        env["PREDICT_KEY"] = PredictKey;
        env["ADMIN_KEY"] = AdminKey;
        env["DROPOUTSERVICE_API_KEY"] = "";
        env["DROPOUTSERVICE_TOKEN"] = "";
        return env;
    }

    protected override GrpcChannel CreateProbeChannel() => GrpcChannel.ForAddress($"https://{Address}", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
    });

    /// <summary>Runs <c>dotnet DropoutService.Server.dll --new-key NAME ROLE</c>: the documented way to make a key.</summary>
    private static (string Key, string Entry) NewKey(string name, string role)
    {
        var result = ProcessRunner.RunAsync("dotnet", [ServerDll, "--new-key", name, role], Path.GetTempPath(), timeout: TimeSpan.FromMinutes(2))
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("--new-key failed:\n" + result.Output);
        }
        string Line(string prefix) => result.Stdout.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();
        return (Line("key:"), Line("entry:"));
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static (string Cert, string Key) WriteIssued(string dir, string name, X509Certificate2 issuer, string subject, string usage, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        using var cert = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(12));
        string certPath = WritePem(dir, name + ".pem", cert);
        string keyPath = Path.Combine(dir, name + ".key");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    private static string WritePem(string dir, string name, X509Certificate2 cert)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, cert.ExportCertificatePem());
        return path;
    }
}
