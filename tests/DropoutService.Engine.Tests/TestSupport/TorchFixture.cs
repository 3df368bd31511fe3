using System.Text.Json;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport;

/// <summary>
/// A PyTorch reference case: named float32 tensors and settings, generated once by a script in
/// <c>Fixtures/Torch/</c> (Debian's python3-torch) and committed, so CI needs no torch.
/// File format (<c>Fixtures/Torch/&lt;name&gt;.json</c>):
/// <code>
/// { "generator": "generate_conv.py", "torch": "1.13.1",
///   "settings": { "stride": 2, ... },
///   "tensors": { "input": { "shape": [2, 3, 5, 5], "data": [ ... ] }, ... } }
/// </code>
/// Values are float32 written as the shortest decimal that round-trips (Python's repr of
/// <c>float(x)</c> for a float32 x), so they read back bit-exactly.
/// </summary>
public sealed class TorchFixture
{
    private readonly Dictionary<string, Tensor> _tensors;
    private readonly JsonElement _settings;

    private TorchFixture(string name, Dictionary<string, Tensor> tensors, JsonElement settings)
    {
        Name = name;
        _tensors = tensors;
        _settings = settings;
    }

    /// <summary>The fixture's file name without extension.</summary>
    public string Name { get; }

    /// <summary>Names of the fixture files in the output folder, for theory data.</summary>
    public static IEnumerable<string> Names(string prefix) =>
        Directory.EnumerateFiles(Folder, prefix + "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    /// <summary>Loads <c>Fixtures/Torch/{name}.json</c> from the test output folder.</summary>
    public static TorchFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, name + ".json")));
        var root = document.RootElement;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("tensors").EnumerateObject())
        {
            int[] shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] data = property.Value.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            tensors.Add(property.Name, Engine.Tensors.Tensor.FromSpan(new TensorShape(shape), data));
        }
        var settings = root.TryGetProperty("settings", out var s) ? s.Clone() : default;
        return new TorchFixture(name, tensors, settings);
    }

    /// <summary>The tensor called <paramref name="name"/> (a fresh copy each call).</summary>
    public Tensor Tensor(string name) =>
        _tensors.TryGetValue(name, out var t) ? t.Clone() : throw new KeyNotFoundException($"Fixture {Name} has no tensor '{name}'.");

    /// <summary>True when the fixture has a tensor called <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>An integer setting.</summary>
    public int Int(string name) => _settings.GetProperty(name).GetInt32();

    /// <summary>A floating-point setting.</summary>
    public double Double(string name) => _settings.GetProperty(name).GetDouble();

    /// <summary>A string setting.</summary>
    public string String(string name) => _settings.GetProperty(name).GetString()!;

    /// <summary>A boolean setting.</summary>
    public bool Bool(string name) => _settings.GetProperty(name).GetBoolean();

    /// <summary>True when the settings name <paramref name="name"/>.</summary>
    public bool HasSetting(string name) => _settings.ValueKind == JsonValueKind.Object && _settings.TryGetProperty(name, out _);

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Torch");
}
