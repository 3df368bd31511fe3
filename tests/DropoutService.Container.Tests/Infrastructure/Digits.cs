using System.Globalization;
using System.IO.Compression;
using DropoutService.Api.V1;
using Google.Protobuf;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>The digits set (testdata/digits.csv.gz): 1,797 rows of 64 pixels (0..16) and a label.</summary>
public sealed class Digits
{
    public const int Features = 64;
    public const int Classes = 10;

    private static readonly Lazy<Digits> s_instance = new(Load);

    private Digits(float[] features, int[] labels)
    {
        FeatureData = features;
        Labels = labels;
    }

    public static Digits Instance => s_instance.Value;

    public float[] FeatureData { get; }

    public int[] Labels { get; }

    public int Rows => Labels.Length;

    /// <summary>First 1,500 rows for training, the rest for testing: fixed, so runs compare.</summary>
    public const int TrainRows = 1500;

    public Dataset TrainingSet(int rows = TrainRows)
    {
        var set = new Dataset { Features = ToTensor(0, rows) };
        set.ClassIds.AddRange(Labels.AsSpan(0, rows).ToArray());
        return set;
    }

    public Tensor TestInputs() => ToTensor(TrainRows, Rows - TrainRows);

    public int[] TestLabels() => Labels[TrainRows..];

    public Tensor ToTensor(int start, int count)
    {
        var tensor = new Tensor();
        tensor.Shape.Add(count);
        tensor.Shape.Add(Features);
        var list = new FloatList();
        list.Values.AddRange(FeatureData.AsSpan(start * Features, count * Features).ToArray());
        tensor.Values = list;
        return tensor;
    }

    /// <summary>A small classifier: 64 -> 64 relu -> dropout 0.2 -> 10.</summary>
    public static ModelSpec ClassifierSpec(ulong seed = 7) => new()
    {
        InputSize = Features,
        Loss = Loss.SoftmaxCrossEntropy,
        Seed = seed,
        Layers =
        {
            new LayerSpec { Dense = new DenseLayer { Units = 64 } },
            new LayerSpec { Relu = new ReluLayer() },
            new LayerSpec { Dropout = new DropoutLayer { Rate = 0.2f } },
            new LayerSpec { Dense = new DenseLayer { Units = Classes } },
        },
    };

    /// <summary>The raw float32 bytes of a tensor, whichever encoding the server chose: compared bitwise.</summary>
    public static byte[] RawBytes(Tensor tensor)
    {
        if (tensor.DataCase == Tensor.DataOneofCase.Raw)
        {
            return tensor.Raw.ToByteArray();
        }
        var values = tensor.Values.Values;
        var bytes = new byte[values.Count * sizeof(float)];
        for (int i = 0; i < values.Count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * sizeof(float)), values[i]);
        }
        return bytes;
    }

    private static Digits Load()
    {
        var features = new List<float>(1797 * Features);
        var labels = new List<int>(1797);
        using var file = File.OpenRead(RepoPaths.Digits);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }
            string[] cells = line.Split(',');
            for (int i = 0; i < Features; i++)
            {
                features.Add(float.Parse(cells[i], CultureInfo.InvariantCulture) / 16f);
            }
            labels.Add(int.Parse(cells[Features], CultureInfo.InvariantCulture));
        }
        return new Digits([.. features], [.. labels]);
    }
}
