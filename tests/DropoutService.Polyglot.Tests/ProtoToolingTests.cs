using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>
/// The protos' hygiene: buf lint (STANDARD, buf.yaml at the root), buf format, buf breaking
/// against the last landed commit and the parent commit, and the committed Python/Go stubs matching the protos.
/// buf runs through npx (npm registry only; cached in ~/.npm after the first run).
/// </summary>
[Collection(PolyglotCollection.Name)]
public sealed class ProtoToolingTests(ITestOutputHelper output)
{
    private static Task<ProcessResult> Buf(params string[] args) =>
        ProcessRunner.RunAsync("npx", ["--yes", Toolchain.BufPackage, .. args], Toolchain.RepoRoot, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));

    /// <summary>
    /// dropout.v1 has shipped: every commit's protos must stay wire- and source-compatible
    /// (buf.yaml: breaking FILE) with the last landed commit, whose hash protos/API_BASELINE
    /// records (moved forward at each landing), and with the parent commit.
    /// </summary>
    [SkippableFact]
    public async Task BufBreaking_AgainstLastLandedCommit_NoBreakingChange()
    {
        Toolchain.Require(Toolchain.NpxMissing);
        string baseline = File.ReadAllText(Path.Combine(Toolchain.RepoRoot, "protos", "API_BASELINE")).Trim();
        var landed = await ProcessRunner.RunAsync("git", ["cat-file", "-e", baseline + "^{commit}"], Toolchain.RepoRoot);
        Assert.True(landed.ExitCode == 0, $"The last landed commit {baseline} (protos/API_BASELINE) is not in this clone: clone with full history.\n" + landed.Output);

        var result = await Buf("breaking", "--against", $".git#ref={baseline}");
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [SkippableFact]
    public async Task BufBreaking_AgainstParentCommit_NoBreakingChange()
    {
        Toolchain.Require(Toolchain.NpxMissing);
        var parent = await ProcessRunner.RunAsync("git", ["ls-tree", "-d", "HEAD~1", "protos/dropout/v1"], Toolchain.RepoRoot);
        Assert.True(parent.ExitCode == 0, "HEAD~1 is not available: check out at least two commits (fetch-depth: 2)\n" + parent.Output);

        var result = await Buf("breaking", "--against", ".git#ref=HEAD~1");
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [SkippableFact]
    public async Task GeneratedStubs_RegeneratedFromProtos_MatchCommittedOnes()
    {
        Toolchain.Require(Toolchain.ProtocMissing);

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(Toolchain.RepoRoot, "clients", "generate.sh"), "--check"],
            Toolchain.RepoRoot, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(2));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
    }
}
