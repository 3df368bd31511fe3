using System.Globalization;
using System.IO.Compression;
using DropoutService.Api.V1;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>The digits set (testdata/digits.csv.gz) as wire datasets, split 80/20 per class with a fixed seed.</summary>
public static class Digits
{
    public const int Features = 64;
    public const int Classes = 10;

    private static readonly Lazy<(float[][] X, int[] Y)> s_all = new(Load);

    public static (Dataset Train, Dataset Test) Split(int seed = 0)
    {
        var (x, y) = s_all.Value;
        var rng = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        for (int c = 0; c < Classes; c++)
        {
            var rows = Enumerable.Range(0, y.Length).Where(i => y[i] == c).OrderBy(_ => rng.Next()).ToArray();
            int testCount = (int)Math.Round(rows.Length * 0.2);
            test.AddRange(rows.Take(testCount));
            train.AddRange(rows.Skip(testCount));
        }
        return (Build(x, y, train), Build(x, y, test));
    }

    private static Dataset Build(float[][] x, int[] y, List<int> rows)
    {
        var data = new float[rows.Count * Features];
        var dataset = new Dataset();
        for (int i = 0; i < rows.Count; i++)
        {
            x[rows[i]].CopyTo(data, i * Features);
            dataset.ClassIds.Add(y[rows[i]]);
        }
        dataset.Features = Specs.Values(rows.Count, Features, data);
        return dataset;
    }

    private static (float[][], int[]) Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "testdata", "digits.csv.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var x = new List<float[]>();
        var y = new List<int>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var parts = line.Split(',');
            x.Add(parts.Take(Features).Select(p => float.Parse(p, CultureInfo.InvariantCulture) / 16f).ToArray());
            y.Add(int.Parse(parts[Features], CultureInfo.InvariantCulture));
        }
        return (x.ToArray(), y.ToArray());
    }
}
