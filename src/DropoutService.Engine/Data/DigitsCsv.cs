using System.Globalization;
using System.IO.Compression;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Training;

namespace DropoutService.Engine.Data;

/// <summary>
/// Reads the UCI handwritten-digits CSV (optionally gzip'd): 64 pixel counts 0..16 then the label
/// 0..9 per row, no header. Features are scaled to [0, 1] by dividing by 16.
/// </summary>
public static class DigitsCsv
{
    /// <summary>Pixels per image (8x8).</summary>
    public const int Features = 64;

    /// <summary>Number of classes.</summary>
    public const int Classes = 10;

    /// <summary>Loads the file at <paramref name="path"/> (gzip'd when it ends in .gz).</summary>
    public static Dataset Load(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Read(new StreamReader(stream));
    }

    /// <summary>Parses CSV text in the digits format; throws <see cref="FormatException"/> naming the line on bad input.</summary>
    public static Dataset Read(TextReader reader)
    {
        var pixels = new List<float>(1797 * Features);
        var labels = new List<int>(1797);
        string? line;
        int lineNumber = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split(',');
            if (fields.Length != Features + 1)
            {
                throw new FormatException($"Line {lineNumber}: expected {Features + 1} fields, got {fields.Length}.");
            }
            for (int i = 0; i < Features; i++)
            {
                pixels.Add(ParseNumber(fields[i], lineNumber) / 16f);
            }
            float label = ParseNumber(fields[Features], lineNumber);
            if (label is < 0 or >= Classes || label != MathF.Floor(label))
            {
                throw new FormatException($"Line {lineNumber}: label {fields[Features]} is not an integer in [0, {Classes}).");
            }
            labels.Add((int)label);
        }
        var features = Tensor.FromSpan(labels.Count, Features, pixels.ToArray());
        return Dataset.FromClassIds(features, labels.ToArray());
    }

    private static float ParseNumber(string field, int lineNumber) =>
        float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)
            ? v
            : throw new FormatException($"Line {lineNumber}: '{field}' is not a number.");
}
