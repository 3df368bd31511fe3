using System.Globalization;
using System.Text.Json;
using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>The Go client built offline in GOPATH mode against Debian's Go libraries: vet, its tests, and the dropoutctl example CLI.</summary>
[Collection(PolyglotCollection.Name)]
public sealed class GoClientTests(ServerFixture server, ITestOutputHelper output)
{
    private static readonly string s_goDir = Path.Combine(Toolchain.RepoRoot, "clients", "go");
    private static readonly string s_gopathScript = Path.Combine(s_goDir, "gopath.sh");

    [SkippableFact]
    public async Task Vet_AllPackages_IsClean()
    {
        Toolchain.Require(Toolchain.GoMissing);

        var result = await ProcessRunner.RunAsync("bash", [s_gopathScript, "go", "vet", "./..."], s_goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [SkippableFact]
    public async Task Gofmt_AllFiles_AreFormatted()
    {
        Toolchain.Require(Toolchain.GoMissing);

        var result = await ProcessRunner.RunAsync("gofmt", ["-l", "."], s_goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(2));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.Stdout.Trim().Length == 0, "gofmt would reformat:\n" + result.Stdout);
    }

    [SkippableFact]
    public async Task GoTest_AgainstRealServer_AllPassNoneSkipped()
    {
        Toolchain.Require(Toolchain.GoMissing);
        await server.EnsureStartedAsync();

        var result = await ProcessRunner.RunAsync(
            "bash", [s_gopathScript, "go", "test", "-count=1", "-v", "./..."], s_goDir, server.ClientEnvironment(), TimeSpan.FromMinutes(20));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        Assert.DoesNotContain("--- SKIP", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--- PASS: TestScenario/PredictAccuracy", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Cli_CreateTrainPredictDelete_PrintsAccuracyAndUncertainty()
    {
        Toolchain.Require(Toolchain.GoMissing);
        await server.EnsureStartedAsync();
        string bin = Path.Combine(Directory.CreateTempSubdirectory("dropoutctl-").FullName, "dropoutctl");
        var build = await ProcessRunner.RunAsync("bash", [s_gopathScript, "go", "build", "-o", bin, "./cmd/dropoutctl"], s_goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.Output);
        string digits = Path.Combine(Toolchain.RepoRoot, "testdata", "digits.csv.gz");
        string model = "go-cli-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        async Task<ProcessResult> Ctl(params string[] args)
        {
            var r = await ProcessRunner.RunAsync(bin, ["-addr", server.Address, .. args], Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(10));
            output.WriteLine(r.Output);
            Assert.True(r.ExitCode == 0, server.Describe(r));
            return r;
        }

        await Ctl("create", "-model", model, "-input", "64", "-layers", "dense:64,relu,dropout:0.2,dense:10", "-seed", "1");
        var train = await Ctl("-json", "train", "-model", model, "-csv", digits, "-scale", "0.0625", "-epochs", "20", "-lr", "0.003", "-seed", "2");
        var events = train.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(20, events.Count(e => e.GetProperty("event").GetString() == "progress"));
        Assert.Equal("completed", events[^1].GetProperty("event").GetString());

        // Trained on all rows: this checks the CLI's CSV path and scoring, not generalisation.
        var predict = await Ctl("-json", "predict", "-model", model, "-csv", digits, "-scale", "0.0625", "-labels", "last");
        double accuracy = JsonDocument.Parse(predict.Stdout).RootElement.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0.95, 1.0);

        var mc = await Ctl("predict", "-model", model, "-csv", digits, "-scale", "0.0625", "-labels", "last", "-mc", "20", "-seed", "3", "-summary");
        var summary = System.Text.RegularExpressions.Regex.Match(mc.Stdout, @"max std ([0-9.]+)");
        Assert.True(summary.Success, mc.Stdout);
        Assert.True(double.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture) > 0, mc.Stdout);

        var bad = await ProcessRunner.RunAsync(bin, ["-addr", server.Address, "create", "-model", model + "-bad", "-input", "4", "-layers", "dense:4,dropout:1.5,dense:2"],
            Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(1));
        output.WriteLine(bad.Output);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("InvalidArgument", bad.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"field \S*rate\S*: \S", bad.Stderr);

        await Ctl("delete", "-model", model);
        var list = await Ctl("-json", "list");
        Assert.DoesNotContain(model, list.Stdout, StringComparison.Ordinal);
    }
}
