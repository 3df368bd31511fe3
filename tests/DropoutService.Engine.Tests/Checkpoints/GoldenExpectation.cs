using System.Buffers.Binary;
using System.Text.Json;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// The <c>.expected.json</c> beside a golden checkpoint (testdata/checkpoints/vN/README.md): tensors
/// as hex of their float32 little-endian bytes, scalars as hex bit patterns, exactly as written.
/// </summary>
internal sealed class GoldenExpectation
{
    private GoldenExpectation(string directory, string name, JsonElement root)
    {
        Name = name;
        FilePath = Path.Combine(directory, name + ".ckpt");
        Root = root;
    }

    public string Name { get; }

    public string FilePath { get; }

    public JsonElement Root { get; }

    public static string Directory(string version) => Path.Combine(AppContext.BaseDirectory, "testdata", "checkpoints", version);

    public static string[] Names(string version) =>
        [.. System.IO.Directory.GetFiles(Directory(version), "*.expected.json").Select(f => Path.GetFileName(f)[..^".expected.json".Length]).Order(StringComparer.Ordinal)];

    public static GoldenExpectation Load(string version, string name)
    {
        string directory = Directory(version);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, name + ".expected.json")));
        return new GoldenExpectation(directory, name, document.RootElement.Clone());
    }

    public static float[] Floats(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }
        return values;
    }

    public static float? Bits(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null ? null : BitConverter.Int32BitsToSingle(Convert.ToInt32(element.GetString(), 16));

    /// <summary>A recorded tensor: its shape and exact values.</summary>
    public static Tensor Tensor(JsonElement element) =>
        Engine.Tensors.Tensor.FromSpan(new TensorShape([.. element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())]), Floats(element.GetProperty("f32le").GetString()!));
}
