using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DropoutService.Api.V1;
using DropoutService.Server.Hosting;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Net.Client;

namespace DropoutService.Server.Tests.Hosting;

public sealed class TlsTests
{
    [Fact]
    public async Task Start_WithPemCertificate_ServesHttp2OverTlsAndHealthCheckCommandUsesIt()
    {
        string dir = ServerHost.NewStoreDirectory();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string certPath = Path.Combine(dir, "cert.pem");
        string keyPath = Path.Combine(dir, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());

        await using var server = await StartTlsAsync(dir, certPath, keyPath);
        int port = new Uri(server.Address).Port;
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert!.GetCertHashString() == certificate.GetCertHashString() } };
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = handler });
        var info = await new ModelService.ModelServiceClient(channel).GetServerInfoAsync(new GetServerInfoRequest());
        int probe = await HealthCheckCommand.RunAsync(["--health-check", $"--Server:Port={port}", $"--Server:CertificatePath={certPath}", $"--Server:CertificateKeyPath={keyPath}"]);

        Assert.StartsWith("https://", server.Address);
        Assert.False(string.IsNullOrEmpty(info.BlasBackend));
        Assert.Equal(0, probe);
    }

    private static async Task<ServerHost> StartTlsAsync(string dir, string certPath, string keyPath) =>
        await ServerHost.StartAsync(Path.Combine(dir, "store"), $"--Server:CertificatePath={certPath}", $"--Server:CertificateKeyPath={keyPath}");
}
