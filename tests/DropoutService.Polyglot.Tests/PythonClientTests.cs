using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>The Python client's unittest suite (scenario, example script, offline conversions) against the real server.</summary>
[Collection(PolyglotCollection.Name)]
public sealed class PythonClientTests(ServerFixture server, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task UnittestSuite_AgainstRealServer_AllPassNoneSkipped()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await server.EnsureStartedAsync();

        var result = await ProcessRunner.RunAsync(
            Toolchain.Python, ["-m", "unittest", "discover", "-s", "clients/python/tests", "-v"],
            Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(20));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        // unittest reports to stderr; a skipped scenario would mean the address never arrived.
        Assert.Matches(@"Ran \d+ tests", result.Stderr);
        Assert.DoesNotContain("skipped", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("test_03_predict_accuracy_at_least_95_percent", result.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task UnittestSuite_WithoutNumpy_AllPassOnPlainLists()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await server.EnsureStartedAsync();
        // Blocking the import makes the client fall back to packed floats and nested lists.
        const string runner = "import sys; sys.modules['numpy'] = None\n"
            + "import unittest; unittest.main(module=None, argv=['unittest', 'discover', '-s', 'clients/python/tests', '-v'])";

        var result = await ProcessRunner.RunAsync(Toolchain.Python, ["-c", runner], Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(20));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.DoesNotContain("skipped", result.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"Ran \d+ tests", result.Stderr);
    }
}
