using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>
/// One default everywhere: with no address given (and DROPOUTSERVICE_ADDRESS unset), the Python
/// client, the Python example and dropoutctl reach a server started on its default port.
/// </summary>
[Collection(DefaultPortCollection.Name)]
public sealed class DefaultAddressTests(DefaultPortServerFixture server, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Python_ConnectWithoutAddress_ReachesTheDefaultServer()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await StartAsync();
        const string probe = """
            import sys
            sys.path.insert(0, "clients/python")
            import dropoutservice as ds
            with ds.connect(timeout=10) as c:
                c.wait_ready(timeout=30)
                print("default", c.health(), c.server_info().limits.max_batch_rows > 0)
            """;

        var result = await ProcessRunner.RunAsync(Toolchain.Python, ["-c", probe], Toolchain.RepoRoot, server.EnvironmentWithoutAddress(), TimeSpan.FromMinutes(2));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.Contains("default SERVING True", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PythonExample_WithoutAddress_TrainsAgainstTheDefaultServer()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await StartAsync();

        var result = await ProcessRunner.RunAsync(Toolchain.Python,
            ["clients/python/examples/train_digits.py", "--epochs", "3", "--model", "default-address-example"],
            Toolchain.RepoRoot, server.EnvironmentWithoutAddress(), TimeSpan.FromMinutes(5));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.Contains("test accuracy:", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Dropoutctl_WithoutAddress_ReachesTheDefaultServer()
    {
        Toolchain.Require(Toolchain.GoMissing);
        await StartAsync();
        string goDir = Path.Combine(Toolchain.RepoRoot, "clients", "go");
        string bin = Path.Combine(Directory.CreateTempSubdirectory("dropoutctl-default-").FullName, "dropoutctl");
        var build = await ProcessRunner.RunAsync("bash", [Path.Combine(goDir, "gopath.sh"), "go", "build", "-o", bin, "./cmd/dropoutctl"], goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.Output);

        var result = await ProcessRunner.RunAsync(bin, ["-json", "info"], Toolchain.RepoRoot, server.EnvironmentWithoutAddress(), TimeSpan.FromMinutes(1));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.Contains("\"blas_backend\"", result.Stdout, StringComparison.Ordinal);
    }

    private async Task StartAsync()
    {
        if (!server.Started && DefaultPortServerFixture.PortBusy() is { } busy)
        {
            Toolchain.Require(busy + " (stop whatever listens there)");
        }
        await server.EnsureStartedAsync();
        server.Started = true;
    }
}
