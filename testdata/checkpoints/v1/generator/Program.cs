// Writes the golden format-1 checkpoints and their expected outputs (see ../README.md).
// Usage: dotnet run -c Release --project testdata/checkpoints/v1/generator -- <output directory>
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Training;

string output = args.Length == 1 ? args[0] : throw new ArgumentException("usage: <output directory>");
Directory.CreateDirectory(output);

// Expected outputs are computed with a fixed, portable backend: the managed GEMM with its
// Vector128 kernel on one thread (results independent of the machine's widest SIMD unit).
var managedType = typeof(Blas).Assembly.GetType("DropoutService.Engine.Kernels.ManagedBlas", throwOnError: true)!;
var kindType = typeof(Blas).Assembly.GetType("DropoutService.Engine.Kernels.GemmKernelKind", throwOnError: true)!;
var blas = (IBlas)Activator.CreateInstance(managedType, BindingFlags.Instance | BindingFlags.NonPublic, null,
    [1, Enum.Parse(kindType, "Vector128")], null)!;

Generate("classifier-adam", new ModelSpec
{
    InputSize = 5,
    Layers =
    [
        LayerSpec.Dense(8), LayerSpec.Relu(), LayerSpec.LeakyRelu(0.2f), LayerSpec.Dropout(0.25f),
        LayerSpec.Dense(6, WeightInit.Xavier), LayerSpec.Sigmoid(), LayerSpec.Tanh(), LayerSpec.Dense(3),
    ],
    Loss = LossKind.SoftmaxCrossEntropy,
    Seed = 101,
}, new TrainingOptions
{
    Epochs = 3, BatchSize = 8, LearningRate = 0.01f, ValidationSplit = 0.2f, Seed = 5,
    Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam },
}, new Dictionary<string, string> { ["source"] = "golden-v1", ["author"] = "Zoë ✓ 東京", ["empty"] = "" });

Generate("regression-momentum", new ModelSpec
{
    InputSize = 3,
    Layers = [LayerSpec.Dense(6), LayerSpec.Tanh(), LayerSpec.Dropout(0.1f), LayerSpec.Dense(2)],
    Loss = LossKind.MeanSquaredError,
    Seed = 202,
}, new TrainingOptions
{
    Epochs = 2, BatchSize = 5, LearningRate = 0.05f, Seed = 6,
    Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Momentum = 0.8f },
}, new Dictionary<string, string> { ["source"] = "golden-v1" });

Generate("binary-rmsprop", new ModelSpec
{
    InputSize = 4,
    Layers = [LayerSpec.Dense(5), LayerSpec.LeakyRelu(), LayerSpec.Dense(3, WeightInit.Xavier), LayerSpec.Sigmoid(), LayerSpec.Dense(1)],
    Loss = LossKind.BinaryCrossEntropyWithLogits,
    Seed = 303,
}, new TrainingOptions
{
    Epochs = 2, BatchSize = 6, LearningRate = 0.01f, Seed = 7,
    Optimizer = new OptimizerSettings { Kind = OptimizerKind.RmsProp },
}, []);

Generate("classifier-nesterov", new ModelSpec
{
    InputSize = 6,
    Layers = [LayerSpec.Dense(7, WeightInit.Xavier), LayerSpec.Tanh(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(4)],
    Loss = LossKind.SoftmaxCrossEntropy,
    Seed = 404,
}, new TrainingOptions
{
    Epochs = 2, BatchSize = 4, LearningRate = 0.1f, WeightDecay = 1e-3f, MaxNorm = 2f, Seed = 8,
    Optimizer = new OptimizerSettings { Kind = OptimizerKind.Nesterov, Momentum = 0.9f },
}, new Dictionary<string, string> { ["run"] = "nesterov" });

Generate("classifier-sgd", new ModelSpec
{
    InputSize = 2,
    Layers = [LayerSpec.Dense(4), LayerSpec.Relu(), LayerSpec.Dense(2)],
    Loss = LossKind.SoftmaxCrossEntropy,
    Seed = 505,
}, new TrainingOptions
{
    Epochs = 2, BatchSize = 8, LearningRate = 0.1f, Seed = 9,
    Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd },
}, []);

// Freshly created, never trained, no optimizer state: pins the weight initialisation as well.
Generate("initial-no-optimizer", new ModelSpec
{
    InputSize = 5,
    Layers = [LayerSpec.Dense(4), LayerSpec.Sigmoid(), LayerSpec.Dropout(0.2f), LayerSpec.Dense(3)],
    Loss = LossKind.SoftmaxCrossEntropy,
    Seed = 606,
}, null, []);

void Generate(string name, ModelSpec spec, TrainingOptions? options, Dictionary<string, string> labels)
{
    var model = Model.Create(spec, blas);
    var metadata = new TrainingMetadata { CreatedUnixMs = 1_760_000_000_000L + name.Length, Labels = labels };
    OptimizerState? optimizer = null;
    if (options is not null)
    {
        var data = Data(spec, model.OutputSize, rows: 40, seed: spec.Seed);
        var result = new Trainer(model, options).Fit(data);
        var last = result.History[^1];
        optimizer = result.OptimizerState;
        metadata = metadata with
        {
            Epochs = result.History.Count, Steps = result.Steps, TrainLoss = last.TrainLoss,
            ValidationLoss = last.ValidationLoss, ValidationAccuracy = last.ValidationAccuracy,
        };
    }
    string path = Path.Combine(output, name + ".ckpt");
    File.Delete(path);
    CheckpointFile.Save(path, Checkpoint.FromModel(model, optimizer, metadata));

    // Expected outputs come from the model as loaded back, exactly as a server would serve it.
    var loaded = CheckpointFile.Load(path);
    var served = loaded.CreateModel(blas);
    var input = Inputs(4, spec.InputSize, spec.Seed + 1);
    var json = new JsonObject
    {
        ["file"] = name + ".ckpt",
        ["format_version"] = CheckpointFile.FormatVersion,
        ["blas"] = blas.Description,
        ["spec"] = SpecJson(loaded.Spec),
        ["parameters"] = new JsonArray(served.Parameters.Select(p => (JsonNode)Values(p.FullName, p.Value)).ToArray()),
        ["optimizer"] = OptimizerJson(loaded.Optimizer),
        ["metadata"] = MetadataJson(loaded.Metadata),
        ["input"] = Values("input", input),
        ["eval_output"] = Values("eval", served.Predict(input)),
        ["train_pass"] = new JsonObject { ["seed"] = 77, ["step"] = 3 },
        ["train_output"] = Values("train", served.Forward(input, new ForwardPass(ForwardMode.Train, 77, 3))),
    };
    var mc = MonteCarlo.Predict(served, input, samples: 4, seed: 9);
    json["mc"] = new JsonObject
    {
        ["samples"] = 4,
        ["seed"] = 9,
        ["mean"] = Values("mean", mc.Mean),
        ["standard_deviation"] = Values("std", mc.StandardDeviation),
        ["predictive_entropy"] = mc.PredictiveEntropy is null ? null : Hex(mc.PredictiveEntropy),
    };
    File.WriteAllText(Path.Combine(output, name + ".expected.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    Console.WriteLine($"{path}: {new FileInfo(path).Length} bytes");
}

static Dataset Data(ModelSpec spec, int outputs, int rows, ulong seed)
{
    var x = Inputs(rows, spec.InputSize, seed);
    if (spec.Loss == LossKind.SoftmaxCrossEntropy)
    {
        var ids = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            ids[r] = r % outputs;
            x[r, r % spec.InputSize] += 1.5f;
        }
        return Dataset.FromClassIds(x, ids);
    }
    var y = new Tensor(rows, outputs);
    for (int r = 0; r < rows; r++)
    {
        for (int c = 0; c < outputs; c++)
        {
            float v = 0.5f * x[r, c % spec.InputSize] - 0.25f * x[r, (c + 1) % spec.InputSize];
            y[r, c] = spec.Loss == LossKind.BinaryCrossEntropyWithLogits ? (v > 0f ? 1f : 0f) : v;
        }
    }
    return Dataset.FromValues(x, y);
}

// Inputs are exact multiples of 1/64 in [-2, 2): independent of any floating-point library.
static Tensor Inputs(int rows, int columns, ulong seed)
{
    var t = new Tensor(rows, columns);
    ulong state = seed;
    var span = t.Span;
    for (int i = 0; i < span.Length; i++)
    {
        state = state * 6364136223846793005UL + 1442695040888963407UL;
        span[i] = (int)(state >> 57) / 32f - 2f;
    }
    return t;
}

static string Hex(ReadOnlySpan<float> values)
{
    var bytes = new byte[values.Length * 4];
    for (int i = 0; i < values.Length; i++)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
    }
    return Convert.ToHexStringLower(bytes);
}

static JsonObject Values(string name, Tensor t) => new()
{
    ["name"] = name,
    ["shape"] = new JsonArray(t.Rows, t.Columns),
    ["f32le"] = Hex(t.Span),
};

static string Bits(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8");

static JsonObject SpecJson(ModelSpec spec) => new()
{
    ["input_size"] = spec.InputSize,
    ["loss"] = spec.Loss.ToString(),
    ["seed"] = spec.Seed,
    ["layers"] = new JsonArray(spec.Layers.Select(l => (JsonNode)new JsonObject
    {
        ["kind"] = l.Kind.ToString(),
        ["units"] = l.Units,
        ["init"] = l.Init.ToString(),
        ["rate_bits"] = Bits(l.Rate),
        ["slope_bits"] = Bits(l.Slope),
    }).ToArray()),
};

static JsonNode? OptimizerJson(OptimizerState? state) => state is null ? null : new JsonObject
{
    ["kind"] = state.Kind.ToString(),
    ["step_count"] = state.StepCount,
    ["buffers"] = new JsonArray(state.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal)
        .Select(b => (JsonNode)new JsonObject { ["name"] = b.Key, ["f32le"] = Hex(b.Value) }).ToArray()),
};

static JsonObject MetadataJson(TrainingMetadata m) => new()
{
    ["epochs"] = m.Epochs,
    ["steps"] = m.Steps,
    ["train_loss_bits"] = m.TrainLoss is float t ? Bits(t) : null,
    ["validation_loss_bits"] = m.ValidationLoss is float v ? Bits(v) : null,
    ["validation_accuracy_bits"] = m.ValidationAccuracy is float a ? Bits(a) : null,
    ["created_unix_ms"] = m.CreatedUnixMs,
    ["labels"] = new JsonObject(m.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
        .Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value)))),
};
