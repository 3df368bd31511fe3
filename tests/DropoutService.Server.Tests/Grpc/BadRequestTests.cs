using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// One server with a small classifier "m" (4 inputs, 3 classes, dropout) and a table of bad
/// requests: each must fail with its status code and, for INVALID_ARGUMENT, a field violation
/// naming the field — never UNKNOWN or INTERNAL.
/// </summary>
public sealed class BadRequestTests : IAsyncLifetime
{
    private const string Model = "m";
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync(null,
            "--Limits:MaxParametersPerModel=100000", "--Limits:MaxBatchRows=64", "--Limits:MaxMcSamples=50", "--Limits:MaxEpochs=100", "--Limits:MaxLayers=50");
        await _server.Models.CreateModelAsync(new CreateModelRequest { ModelId = Model, Spec = Specs.Classifier(4, 3) });
    }

    public async Task DisposeAsync() => await _server.StopAsync();

    public static TheoryData<string> Cases() => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Call_BadRequest_ReturnsStatusAndFieldViolation(string name)
    {
        var (call, expectedCode, expectedField) = s_cases[name];
        var entriesBefore = Directory.GetFileSystemEntries(_server.StorePath, "*", SearchOption.AllDirectories).Order().ToArray();

        var e = await Assert.ThrowsAsync<RpcException>(() => call(_server));

        Assert.Equal(expectedCode, e.StatusCode);
        if (expectedField is not null)
        {
            var violations = StatusDetails.FieldViolations(e);
            Assert.Contains(violations, v => v.Field == expectedField);
            Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
        }
        Assert.DoesNotContain("   at ", e.Status.Detail, StringComparison.Ordinal);
        // .NET's "(Parameter 'x')" suffix names a C# parameter, not the wire field: never shown.
        Assert.DoesNotContain("(Parameter", e.Status.Detail, StringComparison.Ordinal);
        Assert.All(StatusDetails.FieldViolations(e), v => Assert.DoesNotContain("(Parameter", v.Description, StringComparison.Ordinal));
        // A rejected request never touches the store.
        Assert.Equal(entriesBefore, Directory.GetFileSystemEntries(_server.StorePath, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    private static Tensor Inputs(int rows, int columns) => Specs.Values(rows, columns, Specs.Random(rows * columns, 1));

    private static ModelSpec Spec(Action<ModelSpec> change)
    {
        var spec = Specs.Classifier(4, 3);
        change(spec);
        return spec;
    }

    private static Task Create(ServerHost s, string id, ModelSpec spec) =>
        s.Models.CreateModelAsync(new CreateModelRequest { ModelId = id, Spec = spec }).ResponseAsync;

    private static Task Predict(ServerHost s, PredictRequest r)
    {
        r.ModelId = r.ModelId.Length == 0 ? Model : r.ModelId;
        return s.Inference.PredictAsync(r).ResponseAsync;
    }

    private static async Task Train(ServerHost s, TrainRequest r)
    {
        r.ModelId = Model;
        using var call = s.Training.Train(r);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }

    private static Dataset SmallDataset(params int[] classIds)
    {
        var d = new Dataset { Features = Inputs(classIds.Length, 4) };
        d.ClassIds.Add(classIds);
        return d;
    }

    private static readonly Dictionary<string, (Func<ServerHost, Task> Call, StatusCode Code, string? Field)> s_cases = new()
    {
        ["create: id with uppercase"] = (s => Create(s, "Bad_Id", Specs.Classifier(4, 3)), StatusCode.InvalidArgument, "model_id"),
        ["create: id with path traversal"] = (s => Create(s, "../escape", Specs.Classifier(4, 3)), StatusCode.InvalidArgument, "model_id"),
        ["create: id too long"] = (s => Create(s, "a" + new string('b', 63), Specs.Classifier(4, 3)), StatusCode.InvalidArgument, "model_id"),
        ["create: id with a trailing newline"] = (s => Create(s, "abc\n", Specs.Classifier(4, 3)), StatusCode.InvalidArgument, "model_id"),
        ["create: empty id"] = (s => Create(s, "", Specs.Classifier(4, 3)), StatusCode.InvalidArgument, "model_id"),
        ["create: dropout rate 1"] = (s => Create(s, "r1", Spec(x => x.Layers[2].Dropout.Rate = 1f)), StatusCode.InvalidArgument, "spec.layers[2].dropout.rate"),
        ["create: dropout rate negative"] = (s => Create(s, "r2", Spec(x => x.Layers[2].Dropout.Rate = -0.1f)), StatusCode.InvalidArgument, "spec.layers[2].dropout.rate"),
        ["create: dropout rate NaN"] = (s => Create(s, "r3", Spec(x => x.Layers[2].Dropout.Rate = float.NaN)), StatusCode.InvalidArgument, "spec.layers[2].dropout.rate"),
        ["create: unknown layer type"] = (s => Create(s, "r4", Spec(x => x.Layers.Insert(1, new LayerSpec()))), StatusCode.InvalidArgument, "spec.layers[1].kind"),
        ["create: no loss"] = (s => Create(s, "r5", Spec(x => x.Loss = Loss.Unspecified)), StatusCode.InvalidArgument, "spec.loss"),
        ["create: input size 0"] = (s => Create(s, "r6", Spec(x => x.InputSize = 0)), StatusCode.InvalidArgument, "spec.input_size"),
        ["create: input size over the largest tensor"] = (s => Create(s, "r6b", Spec(x => x.InputSize = int.MaxValue)), StatusCode.InvalidArgument, "spec.input_size"),
        ["create: dense units 0"] = (s => Create(s, "r7", Spec(x => x.Layers[0].Dense.Units = 0)), StatusCode.InvalidArgument, "spec.layers[0].dense.units"),
        ["create: no spec"] = (s => s.Models.CreateModelAsync(new CreateModelRequest { ModelId = "r8" }).ResponseAsync, StatusCode.InvalidArgument, "spec"),
        ["create: oversize model"] = (s => Create(s, "big", Specs.Classifier(1000, 10, hidden: 1000)), StatusCode.ResourceExhausted, null),
        ["create: a million layers"] = (s => Create(s, "deep", Spec(x => x.Layers.Add(Enumerable.Repeat(Specs.Relu(), 1_000_000)))), StatusCode.ResourceExhausted, null),
        ["create: one layer over the configured limit"] = (s => Create(s, "deep2", Spec(x => x.Layers.Add(Enumerable.Repeat(Specs.Relu(), 47)))), StatusCode.ResourceExhausted, null),
        ["create: parameter count that wraps int64"] = (s => Create(s, "wrap", Spec(x =>
        {
            x.Layers.Clear();
            x.Layers.Add([Specs.Dense(int.MaxValue), Specs.Dense(int.MaxValue), Specs.Dense(int.MaxValue)]);
        })), StatusCode.InvalidArgument, "spec.layers[0].dense.units"),
        ["create: unknown weight init"] = (s => Create(s, "r9", Spec(x => x.Layers[0].Dense.Init = (WeightInit)9)), StatusCode.InvalidArgument, "spec.layers[0].dense.init"),
        ["create: input shape with a zero"] = (s => Create(s, "r10", Spec(x => x.InputShape.Add([2, 0]))), StatusCode.InvalidArgument, "spec.input_shape[1]"),
        ["create: input size conflicts with input shape"] = (s => Create(s, "r11", Spec(x => x.InputShape.Add([2, 3]))), StatusCode.InvalidArgument, "spec.input_size"),
        ["create: input shape of 8 dimensions"] = (s => Create(s, "r12", Spec(x => { x.InputSize = 0; x.InputShape.Add([1, 1, 1, 1, 2, 1, 1, 2]); })), StatusCode.InvalidArgument, "spec.input_shape"),
        ["create: existing id"] = (s => Create(s, Model, Specs.Classifier(4, 3)), StatusCode.AlreadyExists, null),
        ["get: unknown model"] = (s => s.Models.GetModelAsync(new GetModelRequest { ModelId = "nope" }).ResponseAsync, StatusCode.NotFound, null),
        ["list: bad page token"] = (s => s.Models.ListModelsAsync(new ListModelsRequest { PageToken = "garbage!" }).ResponseAsync, StatusCode.InvalidArgument, "page_token"),
        ["list: page size too big"] = (s => s.Models.ListModelsAsync(new ListModelsRequest { PageSize = 5000 }).ResponseAsync, StatusCode.InvalidArgument, "page_size"),
        ["predict: empty batch"] = (s => Predict(s, new PredictRequest { Inputs = new Tensor { Shape = { 0, 4 }, Values = new FloatList() } }), StatusCode.InvalidArgument, "inputs.shape"),
        ["predict: shape mismatch"] = (s => Predict(s, new PredictRequest { Inputs = Inputs(2, 5) }), StatusCode.InvalidArgument, "inputs.shape"),
        ["predict: value count mismatch"] = (s => Predict(s, new PredictRequest { Inputs = Specs.Values(2, 4, 1, 2, 3) }), StatusCode.InvalidArgument, "inputs.values"),
        ["predict: raw length mismatch"] = (s => Predict(s, new PredictRequest { Inputs = Specs.Raw(2, 4, new float[7]) }), StatusCode.InvalidArgument, "inputs.raw"),
        ["predict: NaN input"] = (s => Predict(s, new PredictRequest { Inputs = Specs.Values(1, 4, 0, float.NaN, 0, 0) }), StatusCode.InvalidArgument, "inputs"),
        ["predict: Inf raw input"] = (s => Predict(s, new PredictRequest { Inputs = Specs.Raw(1, 4, [0, 0, float.PositiveInfinity, 0]) }), StatusCode.InvalidArgument, "inputs"),
        ["predict: no inputs"] = (s => Predict(s, new PredictRequest()), StatusCode.InvalidArgument, "inputs"),
        ["predict: rank 3"] = (s => Predict(s, new PredictRequest { Inputs = new Tensor { Shape = { 1, 1, 4 }, Values = new FloatList { Values = { 1, 2, 3, 4 } } } }), StatusCode.InvalidArgument, "inputs.shape"),
        ["predict: negative mc samples"] = (s => Predict(s, new PredictRequest { Inputs = Inputs(1, 4), McSamples = -1 }), StatusCode.InvalidArgument, "mc_samples"),
        ["predict: mc samples over limit"] = (s => Predict(s, new PredictRequest { Inputs = Inputs(1, 4), McSamples = 51 }), StatusCode.ResourceExhausted, null),
        ["predict: batch over limit"] = (s => Predict(s, new PredictRequest { Inputs = Inputs(65, 4) }), StatusCode.ResourceExhausted, null),
        ["predict: unknown model"] = (s => Predict(s, new PredictRequest { ModelId = "nope", Inputs = Inputs(1, 4) }), StatusCode.NotFound, null),
        ["predict: invalid model id"] = (s => Predict(s, new PredictRequest { ModelId = "NOPE", Inputs = Inputs(1, 4) }), StatusCode.InvalidArgument, "model_id"),
        ["predict: unknown version"] = (s => Predict(s, new PredictRequest { Version = 99, Inputs = Inputs(1, 4) }), StatusCode.NotFound, null),
        ["predict: negative version"] = (s => Predict(s, new PredictRequest { Version = -1, Inputs = Inputs(1, 4) }), StatusCode.InvalidArgument, "version"),
        ["forward: unknown mode"] = (s => s.Inference.ForwardAsync(new ForwardRequest { ModelId = Model, Inputs = Inputs(1, 4), Mode = (ForwardMode)99 }).ResponseAsync, StatusCode.InvalidArgument, "mode"),
        ["backward: no upstream"] = (s => s.Inference.BackwardAsync(new BackwardRequest { ModelId = Model, Inputs = Inputs(2, 4) }).ResponseAsync, StatusCode.InvalidArgument, "upstream"),
        ["backward: gradient rows mismatch"] = (s => s.Inference.BackwardAsync(new BackwardRequest { ModelId = Model, Inputs = Inputs(2, 4), OutputGradients = Inputs(3, 3) }).ResponseAsync, StatusCode.InvalidArgument, "output_gradients.shape"),
        ["backward: class id out of range"] = (s => s.Inference.BackwardAsync(new BackwardRequest { ModelId = Model, Inputs = Inputs(2, 4), Targets = new BackwardTargets { ClassIds = { 0, 3 } } }).ResponseAsync, StatusCode.InvalidArgument, "targets.class_ids[1]"),
        ["train: no data"] = (s => Train(s, new TrainRequest()), StatusCode.InvalidArgument, "data"),
        ["train: huge shape without data (checked before allocating 8 GiB)"] = (s => Train(s, new TrainRequest
        {
            Dataset = new Dataset { Features = new Tensor { Shape = { 536_870_897, 4 }, Values = new FloatList() }, ClassIds = { 0 } },
        }), StatusCode.InvalidArgument, "dataset.features.values"),
        ["train: class id out of range"] = (s => Train(s, new TrainRequest { Dataset = SmallDataset(0, 7, 1) }), StatusCode.InvalidArgument, "dataset.class_ids[1]"),
        ["train: class id count mismatch"] = (s => Train(s, new TrainRequest { Dataset = new Dataset { Features = Inputs(3, 4), ClassIds = { 0 } } }), StatusCode.InvalidArgument, "dataset.class_ids"),
        ["train: negative learning rate"] = (s => Train(s, new TrainRequest { Dataset = SmallDataset(0, 1, 2), Options = new TrainingOptions { LearningRate = -1 } }), StatusCode.InvalidArgument, "options.learning_rate"),
        ["train: momentum 1.5"] = (s => Train(s, new TrainRequest { Dataset = SmallDataset(0, 1, 2), Options = new TrainingOptions { Optimizer = new OptimizerConfig { Kind = Optimizer.Momentum, Momentum = 1.5f } } }), StatusCode.InvalidArgument, "options.optimizer.momentum"),
        ["train: early stopping without validation"] = (s => Train(s, new TrainRequest { Dataset = SmallDataset(0, 1, 2), Options = new TrainingOptions { EarlyStoppingPatience = 3 } }), StatusCode.InvalidArgument, "options.early_stopping_patience"),
        ["train: epochs over limit"] = (s => Train(s, new TrainRequest { Dataset = SmallDataset(0, 1, 2), Options = new TrainingOptions { Epochs = 101 } }), StatusCode.ResourceExhausted, null),
        ["train: unknown dataset id"] = (s => Train(s, new TrainRequest { DatasetId = "ds-unknown" }), StatusCode.NotFound, null),
        ["train: unknown base version"] = (s => Train(s, new TrainRequest { BaseVersion = 42, Dataset = SmallDataset(0, 1, 2) }), StatusCode.NotFound, null),
        ["apply: missing gradients"] = (s => s.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = Model, LearningRate = 0.1f }).ResponseAsync, StatusCode.InvalidArgument, "gradients"),
        ["apply: stale base version"] = (s => s.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = Model, BaseVersion = 7, LearningRate = 0.1f }).ResponseAsync, StatusCode.FailedPrecondition, null),
        ["apply: unknown parameter"] = (s => s.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = Model, LearningRate = 0.1f, Gradients = { new ParameterGradient { Layer = "dense9", Name = "weight", Gradient = Inputs(1, 1) } } }).ResponseAsync, StatusCode.InvalidArgument, "gradients[0].layer"),
    };
}
