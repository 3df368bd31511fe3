using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// Certificates made at test time (never committed): a CA, a server certificate for localhost and
/// 127.0.0.1 issued by it, client certificates issued by it, and a second, untrusted CA with its own
/// client. PEM files are written to <see cref="Directory"/>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public TestCertificates()
    {
        Directory = ServerHost.NewStoreDirectory();
        Ca = CreateCa("CN=dropout test CA");
        OtherCa = CreateCa("CN=someone else's CA");
        Server = Issue(Ca, "CN=localhost", ServerAuth, server: true);
        CaPath = WritePem("ca.pem", Ca);
        OtherCaPath = WritePem("other-ca.pem", OtherCa);
        ServerCertPath = WritePem("server.pem", Server);
        ServerKeyPath = Path.Combine(Directory, "server.key");
        File.WriteAllText(ServerKeyPath, Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 OtherCa { get; }

    public X509Certificate2 Server { get; }

    public string CaPath { get; }

    public string OtherCaPath { get; }

    public string ServerCertPath { get; }

    public string ServerKeyPath { get; }

    /// <summary>A client certificate with its private key, issued by the trusted CA or by the other one.</summary>
    public X509Certificate2 Client(string commonName, bool trusted = true) => Issue(trusted ? Ca : OtherCa, "CN=" + commonName, ClientAuth, server: false);

    /// <summary>Writes a client certificate and key as PEM files (for the Python and Go clients); returns (cert, key) paths.</summary>
    public (string Cert, string Key) WriteClient(X509Certificate2 client, string name)
    {
        string cert = WritePem(name + ".pem", client);
        string key = Path.Combine(Directory, name + ".key");
        File.WriteAllText(key, client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    /// <summary>Server settings for TLS with this server certificate; with <paramref name="clientCas"/>, client certificates are trusted.</summary>
    public string[] ServerArgs(bool clientCas = false) => clientCas
        ? [$"--Server:CertificatePath={ServerCertPath}", $"--Server:CertificateKeyPath={ServerKeyPath}", $"--Auth:Certificates:TrustedCaPath={CaPath}"]
        : [$"--Server:CertificatePath={ServerCertPath}", $"--Server:CertificateKeyPath={ServerKeyPath}"];

    public void Dispose()
    {
        Ca.Dispose();
        OtherCa.Dispose();
        Server.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string WritePem(string name, X509Certificate2 certificate)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
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

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, Oid usage, bool server)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        using var publicOnly = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return publicOnly.CopyWithPrivateKey(key);
    }
}
