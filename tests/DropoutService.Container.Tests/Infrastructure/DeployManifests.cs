using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>A YAML mapping read untyped: scalars are strings, nested maps and lists as read.</summary>
public sealed class YamlNode(object? value)
{
    public object? Value { get; } = value;

    public YamlNode this[string key] =>
        new(Value is Dictionary<object, object> map && map.TryGetValue(key, out var v) ? v : null);

    public YamlNode this[int index] =>
        new(Value is List<object> list && index < list.Count ? list[index] : null);

    public bool Exists => Value is not null;

    public string? Text => Value as string;

    public IEnumerable<YamlNode> Items => Value is List<object> list ? list.Select(v => new YamlNode(v)) : [];

    public IEnumerable<string> Keys => Value is Dictionary<object, object> map ? map.Keys.Select(k => k.ToString()!) : [];

    public IReadOnlyDictionary<string, string?> AsStringMap() =>
        Value is Dictionary<object, object> map ? map.ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value as string) : new Dictionary<string, string?>();

    public static List<YamlNode> LoadAll(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        parser.Consume<StreamStart>();
        var documents = new List<YamlNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = deserializer.Deserialize<object?>(parser);
            if (value is not null)
            {
                documents.Add(new YamlNode(value));
            }
        }
        return documents;
    }
}

/// <summary>The Kubernetes objects under deploy/k8s, by kind.</summary>
public sealed class DeployManifests
{
    private DeployManifests(List<(string File, YamlNode Node)> objects) => Objects = objects;

    public static string Directory => Path.Combine(RepoPaths.Deploy, "k8s");

    /// <summary>The not-for-production overlay with a single-pod PostgreSQL.</summary>
    public static string TryPostgresDirectory => Path.Combine(Directory, "try-postgres");

    public IReadOnlyList<(string File, YamlNode Node)> Objects { get; }

    public static DeployManifests Load(string? directory = null)
    {
        var objects = new List<(string, YamlNode)>();
        foreach (string file in System.IO.Directory.GetFiles(directory ?? Directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var node in YamlNode.LoadAll(file))
            {
                objects.Add((Path.GetFileName(file), node));
            }
        }
        return new DeployManifests(objects);
    }

    public IEnumerable<YamlNode> OfKind(string kind) =>
        Objects.Where(o => o.Node["kind"].Text == kind).Select(o => o.Node);

    public DeploymentManifest Deployment => new(OfKind("Deployment").Single());
}

/// <summary>The Deployment and the single container the service runs in.</summary>
public sealed class DeploymentManifest(YamlNode node)
{
    public YamlNode Node { get; } = node;

    public YamlNode PodSpec => Node["spec"]["template"]["spec"];

    public YamlNode Container => PodSpec["containers"].Items.Single();

    public string? PodSecurity(string key) => PodSpec["securityContext"][key].Text;
}
