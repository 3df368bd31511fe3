using System.Text.Json;
using System.Text.RegularExpressions;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>One Dockerfile instruction: keyword (upper case) and its argument text.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>The repository's Dockerfile, parsed enough to check the deploy files against it.</summary>
public sealed partial class DockerfileInfo
{
    private DockerfileInfo(string text, List<DockerInstruction> instructions)
    {
        Text = text;
        Instructions = instructions;
    }

    public string Text { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public static DockerfileInfo Load(string? path = null)
    {
        string text = File.ReadAllText(path ?? RepoPaths.Dockerfile);
        var instructions = new List<DockerInstruction>();
        string pending = "";
        int stage = -1;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            string full = (pending + line).Trim();
            pending = "";
            if (full.Length == 0)
            {
                continue;
            }
            int space = full.IndexOf(' ');
            string keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }
            instructions.Add(new DockerInstruction(keyword, space < 0 ? "" : WhiteSpace().Replace(full[(space + 1)..], " ").Trim(), stage));
        }
        return new DockerfileInfo(text, instructions);
    }

    public int FinalStage => Instructions.Max(i => i.Stage);

    public IEnumerable<DockerInstruction> Final(string keyword) =>
        Instructions.Where(i => i.Stage == FinalStage && i.Keyword == keyword);

    /// <summary>The first EXPOSEd port: gRPC (the metrics port follows it).</summary>
    public int ExposedPort => ExposedPorts[0];

    public IReadOnlyList<int> ExposedPorts => [.. Final("EXPOSE").Single().Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p.Split('/')[0]))];

    public string Volume
    {
        get
        {
            string args = Final("VOLUME").Single().Arguments;
            return args.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(args)!.Single() : args;
        }
    }

    public string User => Final("USER").Last().Arguments;

    /// <summary>ENV of the final stage (KEY=VALUE pairs; an empty value is allowed).</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var env = new Dictionary<string, string>();
            foreach (var instruction in Final("ENV"))
            {
                foreach (Match m in EnvPair().Matches(instruction.Arguments))
                {
                    env[m.Groups[1].Value] = m.Groups[2].Value;
                }
            }
            return env;
        }
    }

    /// <summary>The HEALTHCHECK's CMD in exec form.</summary>
    public string[] HealthcheckCommand
    {
        get
        {
            string args = Final("HEALTHCHECK").Single().Arguments;
            int cmd = args.IndexOf("CMD ", StringComparison.Ordinal);
            return JsonSerializer.Deserialize<string[]>(args[(cmd + 4)..])!;
        }
    }

    public string[] Entrypoint => JsonSerializer.Deserialize<string[]>(Final("ENTRYPOINT").Single().Arguments)!;

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S*)")]
    private static partial Regex EnvPair();
}
