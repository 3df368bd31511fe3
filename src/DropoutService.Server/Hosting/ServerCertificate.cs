using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>
/// The TLS certificate of the gRPC endpoint, loaded once (at the start-up checks, before Kestrel
/// binds): a PEM certificate with its key, or a PKCS#12 file with its password. A missing file, a
/// wrong password or a certificate without its private key is a <see cref="StartupException"/>
/// naming the option.
/// </summary>
public sealed class ServerCertificate(IOptions<ServerOptions> options) : IDisposable
{
    private readonly Lazy<X509Certificate2?> _certificate = new(() => Load(options.Value));

    /// <summary>The certificate, or null when TLS is off.</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
        {
            _certificate.Value?.Dispose();
        }
    }

    private static X509Certificate2? Load(ServerOptions server)
    {
        if (!server.UseTls)
        {
            return null;
        }
        string path = server.CertificatePath!;
        if (!File.Exists(path))
        {
            throw new StartupException($"Server:CertificatePath '{path}' does not exist");
        }
        bool pem = !string.IsNullOrWhiteSpace(server.CertificateKeyPath);
        if (pem && !File.Exists(server.CertificateKeyPath))
        {
            throw new StartupException($"Server:CertificateKeyPath '{server.CertificateKeyPath}' does not exist");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = pem
                ? X509Certificate2.CreateFromPemFile(path, server.CertificateKeyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, server.CertificatePassword);
        }
        catch (CryptographicException e)
        {
            throw new StartupException(pem
                ? $"Server:CertificatePath '{path}' with Server:CertificateKeyPath '{server.CertificateKeyPath}' is not a PEM certificate and its private key: {e.Message}"
                : $"Server:CertificatePath '{path}' cannot be opened with Server:CertificatePassword (wrong password, or not a PKCS#12 file): {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"Server:CertificatePath '{path}' is not a usable certificate: {e.Message}");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new StartupException($"Server:CertificatePath '{path}' has no private key (set Server:CertificateKeyPath, or use a .pfx that contains the key)");
        }
        return certificate;
    }
}
