using System.Text.RegularExpressions;
using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>
/// Runs every code block of docs/clients.md and README.md marked <c>&lt;!-- snippet: NAME requires=TOOLS expect="REGEX" --&gt;</c>
/// against the real server, from the repository root, and checks its exit code and output:
/// the documentation's examples are proven on every run.
/// </summary>
[Collection(PolyglotCollection.Name)]
public sealed partial class DocsSnippetTests(ServerFixture server, ITestOutputHelper output)
{
    private static readonly string[] s_docPaths =
    [
        Path.Combine(Toolchain.RepoRoot, "docs", "clients.md"),
        Path.Combine(Toolchain.RepoRoot, "README.md"),
    ];

    public static TheoryData<string> SnippetNames()
    {
        var data = new TheoryData<string>();
        foreach (var s in Parse())
        {
            data.Add(s.Name);
        }
        return data;
    }

    [Fact]
    public void Docs_HaveSnippetsForEveryClient()
    {
        var languages = Parse().Select(s => s.Name.Split('-')[0]).ToHashSet();

        Assert.Superset(new HashSet<string> { "python", "go", "buf" }, languages);
    }

    [SkippableTheory]
    [MemberData(nameof(SnippetNames))]
    public async Task Snippet_RunAgainstRealServer_SucceedsWithExpectedOutput(string name)
    {
        var snippet = Parse().Single(s => s.Name == name);
        foreach (string tool in snippet.Requires)
        {
            Toolchain.Require(tool switch
            {
                "python" => Toolchain.PythonMissing,
                "go" => Toolchain.GoMissing,
                "npx" => Toolchain.NpxMissing,
                _ => throw new InvalidOperationException($"snippet {name}: unknown requirement {tool}"),
            });
        }
        await server.EnsureStartedAsync();
        var dir = Directory.CreateTempSubdirectory("dropout-snippet-");
        try
        {
            var result = snippet.Language switch
            {
                "python" => await RunPython(snippet, dir.FullName),
                "go" => await RunGo(snippet, dir.FullName),
                "bash" => await RunBash(snippet, dir.FullName),
                _ => throw new InvalidOperationException($"snippet {name}: unsupported language {snippet.Language}"),
            };
            output.WriteLine(result.Output);

            Assert.True(result.ExitCode == 0, server.Describe(result));
            Assert.Matches(snippet.Expect, result.Stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private Task<ProcessResult> RunPython(Snippet s, string dir)
    {
        string file = Path.Combine(dir, s.Name + ".py");
        File.WriteAllText(file, s.Code);
        return ProcessRunner.RunAsync(Toolchain.Python, [file], Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(10));
    }

    private Task<ProcessResult> RunGo(Snippet s, string dir)
    {
        // The snippet is a main package; gopath.sh resolves its imports in GOPATH mode.
        string main = Path.Combine(dir, "src", "snippet", "main.go");
        Directory.CreateDirectory(Path.GetDirectoryName(main)!);
        File.WriteAllText(main, s.Code);
        var env = server.ClientEnvironment();
        env["DROPOUT_GOPATH"] = Path.Combine(dir, "gopath");
        return ProcessRunner.RunAsync("bash", [Path.Combine(Toolchain.RepoRoot, "clients", "go", "gopath.sh"), "go", "run", main],
            Toolchain.RepoRoot, env, TimeSpan.FromMinutes(10));
    }

    private Task<ProcessResult> RunBash(Snippet s, string dir)
    {
        string file = Path.Combine(dir, s.Name + ".sh");
        File.WriteAllText(file, "set -euo pipefail\n" + s.Code);
        return ProcessRunner.RunAsync("bash", [file], Toolchain.RepoRoot, server.ClientEnvironment(), TimeSpan.FromMinutes(10));
    }

    private sealed record Snippet(string Name, string Language, string[] Requires, Regex Expect, string Code);

    [GeneratedRegex("<!-- snippet: (?<name>[a-z0-9-]+)(?: requires=(?<requires>[a-z,]+))?(?: expect=\"(?<expect>[^\"]*)\")? -->\\s*\\n```(?<lang>[a-z]+)\\n(?<code>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();

    private static List<Snippet> Parse()
    {
        string text = string.Join("\n", s_docPaths.Select(File.ReadAllText));
        return SnippetPattern().Matches(text).Select(m => new Snippet(
            m.Groups["name"].Value,
            m.Groups["lang"].Value,
            m.Groups["requires"].Success ? m.Groups["requires"].Value.Split(',') : [],
            new Regex(m.Groups["expect"].Success ? m.Groups["expect"].Value : ".", RegexOptions.Multiline),
            m.Groups["code"].Value + "\n")).ToList();
    }
}
