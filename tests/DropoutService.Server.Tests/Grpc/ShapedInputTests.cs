using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// A model whose samples are shaped ([2, 3, 4], as an image of 2 channels): rank-4 and flat
/// rank-2 inputs, shaped activations, the spec on the wire, the layer limit in server info.
/// </summary>
public sealed class ShapedInputTests : IAsyncLifetime
{
    private const string Model = "image";
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync(null, "--Limits:MaxLayers=40");
        var spec = new ModelSpec { InputShape = { 2, 3, 4 }, Loss = Loss.SoftmaxCrossEntropy, Seed = 5 };
        spec.Layers.Add([new LayerSpec { LeakyRelu = new LeakyReluLayer { Slope = 0.1f } }, Specs.Dropout(0.5f), Specs.Dense(6), Specs.Tanh(), Specs.Dense(3)]);
        await _server.Models.CreateModelAsync(new CreateModelRequest { ModelId = Model, Spec = spec });
    }

    public async Task DisposeAsync() => await _server.StopAsync();

    private static Tensor Input(params long[] shape)
    {
        var t = new Tensor { Values = new FloatList() };
        t.Shape.Add(shape);
        t.Values.Values.Add(Specs.Random(2 * 24, 7));
        return t;
    }

    [Fact]
    public async Task GetModel_ReturnsInputShapeAndSize()
    {
        var model = (await _server.Models.GetModelAsync(new GetModelRequest { ModelId = Model })).Model;

        Assert.Equal([2L, 3L, 4L], model.Spec.InputShape);
        Assert.Equal(24, model.Spec.InputSize);
        Assert.Equal(24 * 6 + 6 + 6 * 3 + 3, model.ParameterCount);
    }

    [Fact]
    public async Task Predict_RankFourAndFlatRankTwo_GiveIdenticalOutputs()
    {
        var shaped = await _server.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = Input(2, 2, 3, 4) });
        var flat = await _server.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = Input(2, 24) });

        Assert.Equal([2L, 3L], shaped.Outputs.Shape);
        Assert.Equal(Specs.Floats(shaped.Outputs), Specs.Floats(flat.Outputs));
        Assert.Equal(2, shaped.ClassIds.Count);
    }

    [Fact]
    public async Task Forward_IncludeActivations_AreShaped()
    {
        var response = await _server.Inference.ForwardAsync(new ForwardRequest
        {
            ModelId = Model, Inputs = Input(2, 24), Mode = ForwardMode.Train, Seed = 3, IncludeActivations = true,
            OutputEncoding = TensorEncoding.Raw,
        });

        Assert.Equal(["leaky_relu0", "dropout1", "dense2", "tanh3", "dense4"], response.Activations.Select(a => a.Layer));
        Assert.Equal([2L, 2L, 3L, 4L], response.Activations[0].Output.Shape);
        Assert.Equal([2L, 2L, 3L, 4L], response.Activations[1].Output.Shape);
        Assert.Equal([2L, 6L], response.Activations[2].Output.Shape);
        Assert.Equal([2L, 3L], response.Outputs.Shape);
        var dropped = Specs.Floats(response.Activations[1].Output);
        Assert.Contains(0f, dropped); // Train mode: some of the 48 elements dropped
    }

    [Fact]
    public async Task Backward_InputGradientsHaveTheInputSampleShape()
    {
        var response = await _server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = Model, Inputs = Input(2, 2, 3, 4), Targets = new BackwardTargets { ClassIds = { 0, 2 } },
        });

        Assert.Equal([2L, 2L, 3L, 4L], response.InputGradients.Shape);
        Assert.Equal([24L, 6L], response.ParameterGradients.Single(g => g.Layer == "dense2" && g.Name == "weight").Gradient.Shape);
    }

    [Theory]
    [InlineData(new long[] { 2, 3, 2, 4 })]
    [InlineData(new long[] { 2, 23 })]
    [InlineData(new long[] { 2, 2, 12 })]
    public async Task Predict_OtherShapes_InvalidArgumentOnInputsShape(long[] shape)
    {
        var t = new Tensor { Values = new FloatList() };
        t.Shape.Add(shape);
        t.Values.Values.Add(new float[shape.Aggregate(1L, (a, b) => a * b)]);

        var e = await Assert.ThrowsAsync<RpcException>(() => _server.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = t }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(StatusDetails.FieldViolations(e), v => v.Field == "inputs.shape" && v.Description.Contains("[N, 2, 3, 4] or [N, 24]"));
    }

    [Fact]
    public async Task Predict_RankFourBatchOverTheRowLimit_ResourceExhausted()
    {
        var t = new Tensor { Shape = { 5000, 2, 3, 4 }, Raw = Google.Protobuf.ByteString.Empty };

        var e = await Assert.ThrowsAsync<RpcException>(() => _server.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = t }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }

    [Fact]
    public async Task GetServerInfo_ReportsTheLayerLimit()
    {
        var info = await _server.Models.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(40, info.Limits.MaxLayers);
    }
}
