using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using DropoutService.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Server.Tests.Hosting;

/// <summary>
/// The real server process refusing to start: each configuration problem is one line naming the
/// option, and exit code 1 (no stack trace, no listener opened).
/// </summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("console")]
    [InlineData("json")]
    public async Task NonLoopbackAddress_NoCredentials_RefusesInOneLineNamingTheOptions(string format)
    {
        var lines = await ExpectRefusal(new() { ["DROPOUT_SERVER__ADDRESS"] = "0.0.0.0", ["DROPOUT_LOG_FORMAT"] = format });

        string line = Assert.Single(lines);
        Assert.Contains("Server:Address 0.0.0.0 is not a loopback address", line, StringComparison.Ordinal);
        Assert.Contains("Auth:AllowAnonymous=true", line, StringComparison.Ordinal);
        if (format == "json")
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("Fatal", doc.RootElement.GetProperty("@l").GetString());
        }
    }

    [Fact]
    public async Task NonLoopbackAddress_AllowAnonymous_StartsAndSaysSoOnce()
    {
        await using var server = LoggedServerProcess.Start(new Dictionary<string, string>
        {
            ["DROPOUT_SERVER__ADDRESS"] = "0.0.0.0",
            ["DROPOUT_AUTH__ALLOWANONYMOUS"] = "true",
            ["DROPOUT_METRICS__ADDRESS"] = "127.0.0.1",
        });
        await server.WaitServingAsync();

        var warnings = server.Lines.Where(l => l.Contains("Auth:AllowAnonymous=true", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("WRN", warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pkcs12_WrongPassword_OneLineNamingThePasswordOption()
    {
        string dir = ServerHost.NewStoreDirectory();
        string pfx = Path.Combine(dir, "server.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, cert.Export(X509ContentType.Pkcs12, "the right one"));
        }

        var lines = await ExpectRefusal(new() { ["DROPOUT_SERVER__CERTIFICATEPATH"] = pfx, ["DROPOUT_SERVER__CERTIFICATEPASSWORD"] = "s3cret-Passw0rd" });

        string line = Assert.Single(lines);
        Assert.Contains("Server:CertificatePassword", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Passw0rd", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingCertificateFile_OneLineNamingThePathOption()
    {
        var lines = await ExpectRefusal(new() { ["DROPOUT_SERVER__CERTIFICATEPATH"] = "/nonexistent/server.pem", ["DROPOUT_SERVER__CERTIFICATEKEYPATH"] = "/nonexistent/server.key" });

        string line = Assert.Single(lines);
        Assert.Contains("Server:CertificatePath '/nonexistent/server.pem' does not exist", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "is not valid JSON")]
    [InlineData("""{"keys": [{"name": "x", "hash": "plaintext-key", "roles": ["admin"]}]}""", "hash must be sha256:")]
    [InlineData("""{"keys": [{"name": "x", "hash": "sha256:00:0000000000000000000000000000000000000000000000000000000000000000", "roles": ["root"]}]}""", "unknown role 'root'")]
    public async Task BadKeysFile_OneLineNamingTheFile(string content, string problem)
    {
        string path = Path.Combine(ServerHost.NewStoreDirectory(), "keys.json");
        await File.WriteAllTextAsync(path, content);

        var lines = await ExpectRefusal(new() { ["DROPOUT_AUTH__KEYSFILE"] = path });

        string line = Assert.Single(lines);
        Assert.Contains($"Auth:KeysFile '{path}'", line, StringComparison.Ordinal);
        Assert.Contains(problem, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKeysFile_OneLine()
    {
        var lines = await ExpectRefusal(new() { ["DROPOUT_AUTH__KEYSFILE"] = "/nonexistent/keys.json" });

        Assert.Contains("Auth:KeysFile '/nonexistent/keys.json' does not exist", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_OneLineNamingThePortOption()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        int port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var lines = await ExpectRefusal(new() { ["DROPOUT_SERVER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        // The bind comes after the store has loaded, so start-up lines precede it; the failure is one line.
        Assert.Contains("Server:Port", Assert.Single(lines, l => l.Contains(" FTL] ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> ExpectRefusal(Dictionary<string, string> settings)
    {
        await using var server = LoggedServerProcess.Start(settings);
        int code = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var lines = server.Lines.Where(l => l.Trim().Length > 0).ToList();
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }
        Assert.Equal(1, code);
        return lines;
    }
}
