using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>Both clients reach a TLS server when they trust its certificate, and not over plaintext.</summary>
[Collection(TlsCollection.Name)]
public sealed class TlsTests(TlsServerFixture server, ITestOutputHelper output)
{
    private const string PythonProbe = """
        import os, sys
        sys.path.insert(0, "clients/python")
        import dropoutservice as ds
        with ds.connect(os.environ["TLS_ADDRESS"], root_certificates=os.environ["TLS_CA"], timeout=10) as client:
            print("tls", client.health(), len(client.list_models()))
        with ds.connect(os.environ["TLS_ADDRESS"], timeout=5) as plain:
            try:
                plain.health()
                print("plaintext unexpectedly worked")
            except ds.DropoutServiceError as e:
                print("plaintext", e.code.name)
        """;

    [SkippableFact]
    public async Task Python_TrustedCertificate_ConnectsAndPlaintextFails()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await server.EnsureStartedAsync();
        var env = server.ClientEnvironment();
        env["TLS_ADDRESS"] = server.TlsAddress;
        env["TLS_CA"] = server.CaPath;

        var result = await ProcessRunner.RunAsync(Toolchain.Python, ["-c", PythonProbe], Toolchain.RepoRoot, env, TimeSpan.FromMinutes(2));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.Contains("tls SERVING 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("plaintext UNAVAILABLE", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GoCli_TrustedCertificate_ConnectsAndUntrustedFails()
    {
        Toolchain.Require(Toolchain.GoMissing);
        await server.EnsureStartedAsync();
        string goDir = Path.Combine(Toolchain.RepoRoot, "clients", "go");
        string bin = Path.Combine(Directory.CreateTempSubdirectory("dropoutctl-tls-").FullName, "dropoutctl");
        var build = await ProcessRunner.RunAsync("bash", [Path.Combine(goDir, "gopath.sh"), "go", "build", "-o", bin, "./cmd/dropoutctl"], goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.Output);

        var trusted = await ProcessRunner.RunAsync(bin, ["-addr", server.TlsAddress, "-ca", server.CaPath, "-timeout", "10s", "-json", "list"],
            Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(1));
        var untrusted = await ProcessRunner.RunAsync(bin, ["-addr", server.TlsAddress, "-tls", "-timeout", "5s", "list"],
            Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(1));
        output.WriteLine(trusted.Output);
        output.WriteLine(untrusted.Output);

        Assert.True(trusted.ExitCode == 0, server.Describe(trusted));
        Assert.Contains("\"models\"", trusted.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("Unavailable", untrusted.Stderr, StringComparison.Ordinal);
    }
}
