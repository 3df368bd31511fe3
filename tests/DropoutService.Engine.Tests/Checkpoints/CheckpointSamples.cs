using System.Runtime.InteropServices;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Checkpoints;

internal static class CheckpointSamples
{
    /// <summary>The spec of the task: dense, relu, dropout, dense.</summary>
    public static ModelSpec Spec => new()
    {
        InputSize = 4,
        Layers = [LayerSpec.Dense(8), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(3)],
        Seed = 7,
    };

    /// <summary>A spec without dropout, so Eval-mode prediction runs whatever the dropout layer's state.</summary>
    public static ModelSpec NoDropoutSpec => new()
    {
        InputSize = 4,
        Layers = [LayerSpec.Dense(8), LayerSpec.Relu(), LayerSpec.Dense(5, WeightInit.Xavier), LayerSpec.Tanh(), LayerSpec.Dense(3)],
        Seed = 11,
    };

    public static readonly float[] SpecialValues =
    [
        float.NaN, BitConverter.Int32BitsToSingle(0x7FC12345), -0f, float.Epsilon, -float.Epsilon,
        float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, 1e-40f,
    ];

    /// <summary>
    /// A checkpoint built without a <see cref="Model"/> (so it does not depend on the loss
    /// implementations): pseudo-random values with NaN payloads, signed zeros and subnormals mixed
    /// in, an Adam state, and metadata with every field set and non-ASCII labels.
    /// </summary>
    public static Checkpoint Direct(ModelSpec? spec = null, bool withOptimizer = true)
    {
        spec ??= Spec;
        var rng = new Random(1234);
        var parameters = new Dictionary<string, Tensor>();
        var buffers = new Dictionary<string, float[]>();
        foreach (var (name, shape) in ParameterShapes(spec))
        {
            var t = new Tensor(shape);
            Fill(t.Span, rng);
            parameters.Add(name, t);
            var m = new float[shape.Length];
            var v = new float[shape.Length];
            Fill(m, rng);
            Fill(v, rng);
            buffers.Add($"{name}/m", m);
            buffers.Add($"{name}/v", v);
        }
        buffers.Add("empty", []);
        return new Checkpoint(
            spec,
            parameters,
            withOptimizer ? new OptimizerState(OptimizerKind.Adam, 123_456_789_012L, buffers) : null,
            Metadata());
    }

    /// <summary>The parameters <paramref name="spec"/> implies, by full name, in model order.</summary>
    public static (string Name, TensorShape Shape)[] ParameterShapes(ModelSpec spec) =>
        [.. ModelLayout.For(spec).Layers.SelectMany(l => l.Parameters.Select(p => ($"{l.Name}.{p.Name}", p.Shape)))];

    public static TrainingMetadata Metadata() => new()
    {
        Epochs = 42,
        Steps = 9_876_543_210L,
        TrainLoss = 0.125f,
        ValidationLoss = float.NaN,
        ValidationAccuracy = 0.9375f,
        CreatedUnixMs = 1_760_000_000_123L,
        Labels = new Dictionary<string, string> { ["run"] = "nightly-7", ["author"] = "Zoë ✓ 東京", ["empty"] = "" },
    };

    public static void AssertBitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(
            MemoryMarshal.AsBytes(expected).SequenceEqual(MemoryMarshal.AsBytes(actual)),
            $"{what}: values differ bitwise.");
    }

    public static void AssertEquivalent(Checkpoint expected, Checkpoint actual)
    {
        Assert.Equal(expected.Spec, actual.Spec);
        Assert.Equal(expected.Parameters.Keys, actual.Parameters.Keys);
        foreach (var (name, value) in expected.Parameters)
        {
            var other = actual.Parameters[name];
            Assert.Equal(value.Shape, other.Shape);
            AssertBitwiseEqual(value.Span, other.Span, name);
        }
        if (expected.Optimizer is null)
        {
            Assert.Null(actual.Optimizer);
        }
        else
        {
            Assert.NotNull(actual.Optimizer);
            Assert.Equal(expected.Optimizer.Kind, actual.Optimizer.Kind);
            Assert.Equal(expected.Optimizer.StepCount, actual.Optimizer.StepCount);
            Assert.Equal(expected.Optimizer.Buffers.Keys.Order(StringComparer.Ordinal), actual.Optimizer.Buffers.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, buffer) in expected.Optimizer.Buffers)
            {
                AssertBitwiseEqual(buffer, actual.Optimizer.Buffers[name], name);
            }
        }
        Assert.Equal(expected.Buffers.Keys.Order(StringComparer.Ordinal), actual.Buffers.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in expected.Buffers)
        {
            Assert.Equal(value.Shape, actual.Buffers[name].Shape);
            AssertBitwiseEqual(value.Span, actual.Buffers[name].Span, name);
        }
        Assert.Equal(expected.Metadata, actual.Metadata);
    }

    public static string NewDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ckpt-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Fill(Span<float> span, Random rng)
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = i < SpecialValues.Length ? SpecialValues[i] : (float)(rng.NextDouble() * 2 - 1);
        }
    }

    public static T AssertThrowsWithoutLargeAllocation<T>(byte[] file)
        where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<T>(() => CheckpointFile.Deserialize(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Decoding the small valid prefix and building the exception takes a few KiB; the declared
        // arrays are 64 MiB or more.
        Assert.True(allocated < 1024 * 1024, $"Decoding allocated {allocated} bytes.");
        return e;
    }
}
