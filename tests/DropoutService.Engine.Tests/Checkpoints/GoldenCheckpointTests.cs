using System.Buffers.Binary;
using System.Text.Json;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// Every checkpoint format ever written loads forever: the golden files under
/// testdata/checkpoints/vN, written by the build of their time, must be read back with exactly the
/// recorded spec, parameters, buffers, optimizer state and metadata, and predict bitwise as recorded
/// (Eval, a fixed Train pass, Monte-Carlo), with the managed GEMM's portable Vector128 kernel.
/// </summary>
public class GoldenCheckpointTests
{
    private static readonly IBlas s_blas = new ManagedBlas(1, GemmKernelKind.Vector128);

    public static TheoryData<string, string> Files
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string version in new[] { "v1", "v2" })
            {
                foreach (string name in GoldenExpectation.Names(version))
                {
                    data.Add(version, name);
                }
            }
            return data;
        }
    }

    [Fact]
    public void GoldenFiles_ArePresent()
    {
        Assert.Equal(
            ["binary-rmsprop", "classifier-adam", "classifier-nesterov", "classifier-sgd", "initial-no-optimizer", "regression-momentum"],
            GoldenExpectation.Names("v1"));
        Assert.NotEmpty(GoldenExpectation.Names("v2"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_ReadsBackTheRecordedStateExactly(string version, string name)
    {
        var golden = GoldenExpectation.Load(version, name);
        var root = golden.Root;

        var checkpoint = CheckpointFile.Load(golden.FilePath);

        Assert.Equal((uint)root.GetProperty("format_version").GetInt32(), BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(golden.FilePath).AsSpan(8)));
        if (version == "v1")
        {
            Assert.Equal(SpecV1(root.GetProperty("spec")), checkpoint.Spec);
        }
        else
        {
            AssertSpecEncoding(root.GetProperty("spec"), checkpoint.Spec);
        }
        AssertTensors(root.GetProperty("parameters"), checkpoint.Parameters, "parameter");
        AssertTensors(root.TryGetProperty("buffers", out var buffers) ? buffers : default, checkpoint.Buffers, "buffer");
        AssertOptimizer(root.GetProperty("optimizer"), checkpoint.Optimizer);
        AssertMetadata(root.GetProperty("metadata"), checkpoint.Metadata);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_PredictsBitwiseAsRecorded(string version, string name)
    {
        var root = GoldenExpectation.Load(version, name).Root;
        var model = CheckpointFile.Load(GoldenExpectation.Load(version, name).FilePath).CreateModel(s_blas);
        var input = GoldenExpectation.Tensor(root.GetProperty("input"));
        var pass = root.GetProperty("train_pass");
        var mc = root.GetProperty("mc");

        AssertExact(root.GetProperty("eval_output"), model.Predict(input), "eval output");
        AssertExact(root.GetProperty("train_output"), model.Forward(input, new ForwardPass(ForwardMode.Train, pass.GetProperty("seed").GetUInt64(), pass.GetProperty("step").GetInt64())), "train output");
        var prediction = MonteCarlo.Predict(model, input, mc.GetProperty("samples").GetInt32(), mc.GetProperty("seed").GetUInt64());
        AssertExact(mc.GetProperty("mean"), prediction.Mean, "mc mean");
        AssertExact(mc.GetProperty("standard_deviation"), prediction.StandardDeviation, "mc std");
        var entropy = mc.GetProperty("predictive_entropy");
        if (entropy.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(prediction.PredictiveEntropy);
        }
        else
        {
            CheckpointSamples.AssertBitwiseEqual(GoldenExpectation.Floats(entropy.GetString()!), prediction.PredictiveEntropy, "mc entropy");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_ThenSave_RoundTripsThroughTheCurrentFormat(string version, string name)
    {
        var golden = GoldenExpectation.Load(version, name);
        var bytes = File.ReadAllBytes(golden.FilePath);
        var checkpoint = CheckpointFile.Deserialize(bytes);

        var rewritten = CheckpointFile.Serialize(checkpoint);

        Assert.Equal(CheckpointFile.FormatVersion, BinaryPrimitives.ReadUInt32LittleEndian(rewritten.AsSpan(8)));
        CheckpointSamples.AssertEquivalent(checkpoint, CheckpointFile.Deserialize(rewritten));
        if (version == $"v{CheckpointFile.FormatVersion}")
        {
            Assert.Equal(bytes, rewritten); // today's writer still writes today's golden files byte for byte
        }
    }

    [Fact]
    public void InitialV1Checkpoint_HoldsTheWeightsModelCreateStillGives()
    {
        // Never trained: its parameters are the initialisation of its spec and seed, pinned forever.
        var golden = GoldenExpectation.Load("v1", "initial-no-optimizer");
        var checkpoint = CheckpointFile.Load(golden.FilePath);

        var model = Model.Create(checkpoint.Spec, s_blas);

        foreach (var p in model.Parameters)
        {
            CheckpointSamples.AssertBitwiseEqual(checkpoint.Parameters[p.FullName].Span, p.Value.Span, p.FullName);
        }
    }

    [Fact]
    public void EveryShippedLayerType_IsInAGoldenFileOfTheCurrentFormat()
    {
        var covered = GoldenExpectation.Names($"v{CheckpointFile.FormatVersion}")
            .SelectMany(n => GoldenExpectation.Load($"v{CheckpointFile.FormatVersion}", n).Root.GetProperty("spec").GetProperty("layers").EnumerateArray())
            .Select(l => l.GetProperty("type").GetString())
            .ToHashSet();

        var missing = LayerTypes.All.Where(t => t.SpecType.Assembly == typeof(LayerSpec).Assembly && !covered.Contains(t.Name)).Select(t => t.Name);

        Assert.Equal([], missing);
    }

    private static ModelSpec SpecV1(JsonElement spec) => new()
    {
        InputSize = spec.GetProperty("input_size").GetInt32(),
        Loss = Enum.Parse<LossKind>(spec.GetProperty("loss").GetString()!),
        Seed = spec.GetProperty("seed").GetUInt64(),
        Layers = [.. spec.GetProperty("layers").EnumerateArray().Select(l => (LayerSpec)(l.GetProperty("kind").GetString() switch
        {
            "Dense" => new DenseSpec(l.GetProperty("units").GetInt32(), Enum.Parse<WeightInit>(l.GetProperty("init").GetString()!)),
            "Relu" => new ReluSpec(),
            "LeakyRelu" => new LeakyReluSpec(GoldenExpectation.Bits(l.GetProperty("slope_bits"))!.Value),
            "Sigmoid" => new SigmoidSpec(),
            "Tanh" => new TanhSpec(),
            "Dropout" => new DropoutSpec(GoldenExpectation.Bits(l.GetProperty("rate_bits"))!.Value),
            var kind => throw new InvalidDataException($"unknown format-1 kind {kind}"),
        }))],
    };

    private static void AssertSpecEncoding(JsonElement expected, ModelSpec spec)
    {
        Assert.Equal(expected.GetProperty("input_shape").EnumerateArray().Select(d => d.GetInt32()), spec.InputShape.ToArray());
        Assert.Equal(expected.GetProperty("loss").GetString(), spec.Loss.ToString());
        Assert.Equal(expected.GetProperty("seed").GetUInt64(), spec.Seed);
        var layers = expected.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(layers.Length, spec.Layers.Count);
        for (int i = 0; i < layers.Length; i++)
        {
            var writer = new LayerSettingsWriter();
            spec.Layers[i].WriteSettings(writer);
            Assert.Equal(
                (layers[i].GetProperty("type").GetString(), layers[i].GetProperty("tag").GetInt32(), layers[i].GetProperty("settings").GetString()),
                (spec.Layers[i].Type.Name, spec.Layers[i].Type.Tag, Convert.ToHexStringLower(writer.WrittenSpan)));
        }
    }

    private static void AssertTensors(JsonElement expected, IReadOnlyDictionary<string, Tensor> actual, string what)
    {
        var entries = expected.ValueKind == JsonValueKind.Array ? expected.EnumerateArray().ToArray() : [];
        Assert.Equal(entries.Select(e => e.GetProperty("name").GetString()).Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var e in entries)
        {
            AssertExact(e, actual[e.GetProperty("name").GetString()!], $"{what} {e.GetProperty("name").GetString()}");
        }
    }

    private static void AssertOptimizer(JsonElement expected, OptimizerState? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(Enum.Parse<OptimizerKind>(expected.GetProperty("kind").GetString()!), actual.Kind);
        Assert.Equal(expected.GetProperty("step_count").GetInt64(), actual.StepCount);
        var buffers = expected.GetProperty("buffers").EnumerateArray().ToArray();
        Assert.Equal(buffers.Select(b => b.GetProperty("name").GetString()), actual.Buffers.Keys.Order(StringComparer.Ordinal));
        foreach (var b in buffers)
        {
            string name = b.GetProperty("name").GetString()!;
            CheckpointSamples.AssertBitwiseEqual(GoldenExpectation.Floats(b.GetProperty("f32le").GetString()!), actual.Buffers[name], name);
        }
    }

    private static void AssertMetadata(JsonElement expected, TrainingMetadata actual)
    {
        var labels = expected.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(new TrainingMetadata
        {
            Epochs = expected.GetProperty("epochs").GetInt32(),
            Steps = expected.GetProperty("steps").GetInt64(),
            TrainLoss = GoldenExpectation.Bits(expected.GetProperty("train_loss_bits")),
            ValidationLoss = GoldenExpectation.Bits(expected.GetProperty("validation_loss_bits")),
            ValidationAccuracy = GoldenExpectation.Bits(expected.GetProperty("validation_accuracy_bits")),
            CreatedUnixMs = expected.GetProperty("created_unix_ms").GetInt64(),
            Labels = labels,
        }, actual);
    }

    private static void AssertExact(JsonElement expected, Tensor actual, string what)
    {
        var tensor = GoldenExpectation.Tensor(expected);
        Assert.Equal(tensor.Shape, actual.Shape);
        CheckpointSamples.AssertBitwiseEqual(tensor.Span, actual.Span, what);
    }
}
