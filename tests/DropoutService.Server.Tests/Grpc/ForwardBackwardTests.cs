using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Tests.Infrastructure;
using EngineForwardMode = DropoutService.Engine.Layers.ForwardMode;
using EngineForwardPass = DropoutService.Engine.Layers.ForwardPass;
using EngineTargets = DropoutService.Engine.Losses.Targets;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// Forward/Backward over the wire against the engine in-process (loaded from the same version
/// file) and against a central-difference gradient of the loss computed through the RPCs.
/// Model: 5-8-tanh-dropout(0.3)-3 classifier (tanh keeps the loss smooth for finite differences).
/// </summary>
public sealed class ForwardBackwardTests : IAsyncLifetime
{
    private const string Model = "fb";
    private const int Rows = 4;
    private const int Inputs = 5;
    private const int Classes = 3;
    private static readonly int[] s_targets = [0, 2, 1, 2];
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync();
        var spec = new ModelSpec { InputSize = Inputs, Loss = Loss.SoftmaxCrossEntropy, Seed = 11 };
        spec.Layers.Add(Specs.Dense(8));
        spec.Layers.Add(Specs.Tanh());
        spec.Layers.Add(Specs.Dropout(0.3f));
        spec.Layers.Add(Specs.Dense(Classes));
        await _server.Models.CreateModelAsync(new CreateModelRequest { ModelId = Model, Spec = spec });
    }

    public async Task DisposeAsync() => await _server.StopAsync();

    private static float[] X => Specs.Random(Rows * Inputs, 5);

    [Fact]
    public async Task Forward_TrainModeSameSeed_SameOutputs_DifferentSeed_DifferentOutputs()
    {
        var a = await Forward(ForwardMode.Train, seed: 1);
        var b = await Forward(ForwardMode.Train, seed: 1);
        var c = await Forward(ForwardMode.Train, seed: 2);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task Forward_EvalMode_IgnoresSeedAndEqualsPredict()
    {
        var a = await Forward(ForwardMode.Eval, seed: 1);
        var b = await Forward(ForwardMode.Eval, seed: 999);
        var predicted = await _server.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = Specs.Values(Rows, Inputs, X) });

        Assert.Equal(a, b);
        Assert.Equal(a, Specs.Floats(predicted.Outputs));
    }

    [Fact]
    public async Task Forward_IncludeActivations_EveryLayerInOrderEndingWithOutputs()
    {
        var response = await _server.Inference.ForwardAsync(new ForwardRequest
        {
            ModelId = Model, Inputs = Specs.Values(Rows, Inputs, X), Mode = ForwardMode.Train, Seed = 3, IncludeActivations = true,
        });

        Assert.Equal(["dense0", "tanh1", "dropout2", "dense3"], response.Activations.Select(a => a.Layer));
        Assert.Equal(Specs.Floats(response.Outputs), Specs.Floats(response.Activations[^1].Output));
        // Dropout in train mode zeroes some units that tanh left non-zero.
        var tanh = Specs.Floats(response.Activations[1].Output);
        var dropped = Specs.Floats(response.Activations[2].Output);
        Assert.Contains(Enumerable.Range(0, tanh.Length), i => tanh[i] != 0 && dropped[i] == 0);
    }

    [Fact]
    public async Task ForwardBackward_TrainMode_MatchEngineInProcess()
    {
        const ulong seed = 17;
        var response = await _server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = Model, Inputs = Specs.Values(Rows, Inputs, X), Mode = ForwardMode.Train, Seed = seed,
            Targets = new BackwardTargets { ClassIds = { s_targets } },
        });

        var model = CheckpointFile.Load(Path.Combine(_server.StorePath, Model, "v000001.ckpt")).CreateModel();
        var outputs = model.Forward(EngineTensor.FromSpan(Rows, Inputs, X), new EngineForwardPass(EngineForwardMode.Train, seed, 0));
        var gradient = new EngineTensor(Rows, Classes);
        float loss = model.Loss.Compute(outputs, EngineTargets.FromClassIds(s_targets), gradient);
        var inputGradient = model.Backward(gradient);

        Assert.Equal(outputs.ToArray(), Specs.Floats(response.Outputs));
        Assert.Equal(loss, response.Loss);
        Assert.Equal(inputGradient.ToArray(), Specs.Floats(response.InputGradients));
        Assert.Equal(model.Parameters.Select(p => (p.LayerName, p.Name)), response.ParameterGradients.Select(g => (g.Layer, g.Name)));
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            Assert.Equal(model.Parameters[i].Gradient.ToArray(), Specs.Floats(response.ParameterGradients[i].Gradient));
            Assert.Equal([model.Parameters[i].Value.Rows, model.Parameters[i].Value.Columns], response.ParameterGradients[i].Gradient.Shape);
        }
    }

    [Fact]
    public async Task Backward_InputGradients_MatchCentralDifferenceOfLoss()
    {
        // Same seed in every call: the same masks, so the loss is one smooth function of the input.
        const ulong seed = 23;
        const float eps = 1e-2f;
        var x = X;
        var analytic = Specs.Floats((await Backward(x, seed)).InputGradients);

        for (int i = 0; i < x.Length; i++)
        {
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[i] += eps;
            minus[i] -= eps;
            float numeric = ((await Backward(plus, seed)).Loss - (await Backward(minus, seed)).Loss) / (2 * eps);

            // Tolerance: float32 loss (~1e-7 relative) over 2·eps gives ~1e-5 of rounding; the O(eps²)
            // truncation of tanh is below 1e-4; 1e-3 absolute + 2% relative leaves margin for both.
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-3 + 0.02 * Math.Abs(analytic[i]),
                $"input {i}: numeric {numeric}, analytic {analytic[i]}");
        }
    }

    [Fact]
    public async Task Backward_OutputGradients_EqualsBackwardOfLossGradient()
    {
        var withTargets = await Backward(X, 5);
        // dLoss/dOutputs of mean softmax cross-entropy: (softmax - onehot) / rows.
        var logits = Specs.Floats(withTargets.Outputs);
        var upstream = new float[logits.Length];
        for (int r = 0; r < Rows; r++)
        {
            var row = logits.AsSpan(r * Classes, Classes);
            float max = row.ToArray().Max();
            double sum = row.ToArray().Sum(v => Math.Exp(v - max));
            for (int c = 0; c < Classes; c++)
            {
                upstream[r * Classes + c] = (float)((Math.Exp(row[c] - max) / sum - (c == s_targets[r] ? 1 : 0)) / Rows);
            }
        }

        var withGradients = await _server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = Model, Inputs = Specs.Values(Rows, Inputs, X), Mode = ForwardMode.Train, Seed = 5,
            OutputGradients = Specs.Values(Rows, Classes, upstream),
        });

        var a = Specs.Floats(withTargets.InputGradients);
        var b = Specs.Floats(withGradients.InputGradients);
        Assert.False(withGradients.HasLoss);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 + 1e-3 * Math.Abs(a[i]), $"{i}: {a[i]} vs {b[i]}");
        }
    }

    [Fact]
    public async Task ApplyGradients_Sgd_PublishesWeightsMinusLearningRateTimesGradient()
    {
        var backward = await Backward(X, 9);
        var request = new ApplyGradientsRequest
        {
            ModelId = Model, BaseVersion = backward.Version, LearningRate = 0.5f,
            Optimizer = new OptimizerConfig { Kind = Optimizer.Sgd },
        };
        request.Gradients.AddRange(backward.ParameterGradients);

        var applied = await _server.Training.ApplyGradientsAsync(request);

        Assert.Equal(backward.Version + 1, applied.Version.Version);
        Assert.Equal(VersionSource.GradientsApplied, applied.Version.Source);
        var before = CheckpointFile.Load(Path.Combine(_server.StorePath, Model, $"v{backward.Version:D6}.ckpt"));
        var after = CheckpointFile.Load(Path.Combine(_server.StorePath, Model, $"v{applied.Version.Version:D6}.ckpt"));
        foreach (var g in backward.ParameterGradients)
        {
            string name = $"{g.Layer}.{g.Name}";
            var w0 = before.Parameters[name].ToArray();
            var w1 = after.Parameters[name].ToArray();
            var grad = Specs.Floats(g.Gradient);
            for (int i = 0; i < w0.Length; i++)
            {
                Assert.Equal(w0[i] - 0.5f * grad[i], w1[i], 1e-6f);
            }
        }
    }

    private async Task<float[]> Forward(ForwardMode mode, ulong seed)
    {
        var response = await _server.Inference.ForwardAsync(new ForwardRequest
        {
            ModelId = Model, Version = 1, Inputs = Specs.Values(Rows, Inputs, X), Mode = mode, Seed = seed,
        });
        return Specs.Floats(response.Outputs);
    }

    private async Task<BackwardResponse> Backward(float[] x, ulong seed) =>
        await _server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = Model, Version = 1, Inputs = Specs.Values(Rows, Inputs, x), Mode = ForwardMode.Train, Seed = seed,
            Targets = new BackwardTargets { ClassIds = { s_targets } }, OutputEncoding = TensorEncoding.Raw,
        });
}
