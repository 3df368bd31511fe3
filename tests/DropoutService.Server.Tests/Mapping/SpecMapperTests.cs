using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Errors;
using DropoutService.Server.Mapping;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Tests.Mapping;

/// <summary>The layer mapping table against the engine's registry and the proto's oneof, and the spec rules of the wire.</summary>
public class SpecMapperTests
{
    private static readonly LayerSpec[] s_samples =
    [
        new DenseSpec(7, WeightInit.Xavier), new ReluSpec(), new LeakyReluSpec(0.3f), new SigmoidSpec(), new TanhSpec(), new DropoutSpec(0.125f),
    ];

    [Fact]
    public void Table_HasOneEntryPerEngineLayerType_MatchingTheProtoOneof()
    {
        var oneof = Wire.LayerSpec.Descriptor.Oneofs.Single(o => o.Name == "kind").Fields;

        Assert.Equal(LayerTypes.All.Select(t => t.Name), SpecMapper.Layers.Select(m => m.Type.Name));
        Assert.Equal(oneof.Select(f => (f.FieldNumber, f.Name)).OrderBy(f => f.FieldNumber), SpecMapper.Layers.Select(m => (m.Type.Tag, m.Type.Name)));
        foreach (var m in SpecMapper.Layers)
        {
            Assert.Equal(m.Type.Tag, (int)m.Case); // the generated case value is the field number
        }
    }

    [Fact]
    public void EveryLayerType_RoundTripsThroughTheWire()
    {
        Assert.Equal(LayerTypes.All.Select(t => t.Name).Order(), s_samples.Select(s => s.Type.Name).Order());
        var spec = new ModelSpec { InputShape = new TensorShape(5), Layers = s_samples, Seed = 3 };

        var wire = SpecMapper.ToApi(spec);
        var back = SpecMapper.ToEngine(wire);

        Assert.Equal(spec, back);
        Assert.Equal(spec.Layers, back.Layers);
        Assert.Equal(["dense", "relu", "leaky_relu", "sigmoid", "tanh", "dropout"], wire.Layers.Select(l => Wire.LayerSpec.Descriptor.FindFieldByNumber((int)l.KindCase).Name));
    }

    [Fact]
    public void ToApi_SetsInputShapeAndInputSize()
    {
        var wire = SpecMapper.ToApi(new ModelSpec { InputShape = new TensorShape(3, 8, 8), Layers = [LayerSpec.Dense(2)] });

        Assert.Equal([3L, 8L, 8L], wire.InputShape);
        Assert.Equal(192, wire.InputSize);
        Assert.Equal(new TensorShape(3, 8, 8), SpecMapper.ToEngine(wire).InputShape); // both set, consistently: accepted
    }

    [Fact]
    public void ToEngine_InputSizeAlone_MeansOneDimension()
    {
        var wire = new Wire.ModelSpec { InputSize = 12, Loss = Wire.Loss.SoftmaxCrossEntropy, Layers = { new Wire.LayerSpec { Dense = new Wire.DenseLayer { Units = 2 } } } };

        Assert.Equal(new TensorShape(12), SpecMapper.ToEngine(wire).InputShape);
    }

    [Theory]
    [InlineData("spec.layers[2].dropout.rate")]
    public void ToEngine_EngineRuleBroken_ViolationIsTheWirePath(string field)
    {
        var wire = SpecMapper.ToApi(new ModelSpec { InputSize = 4, Layers = [LayerSpec.Dense(3), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(2)] });
        wire.Layers[2].Dropout.Rate = 2f;

        var e = Assert.Throws<RequestValidationException>(() => SpecMapper.ToEngine(wire));

        Assert.Equal([field], e.Violations.Select(v => v.Field));
    }

    [Fact]
    public void ToEngine_LayerLimits_AreResourceExhaustedNamingTheOption()
    {
        var wire = SpecMapper.ToApi(new ModelSpec { InputSize = 4, Layers = [LayerSpec.Relu(), LayerSpec.Relu(), LayerSpec.Dense(2)] });

        SpecMapper.ToEngine(wire, new ModelSpecLimits { MaxLayers = 3 });
        var layers = Assert.Throws<ServiceException>(() => SpecMapper.ToEngine(wire, new ModelSpecLimits { MaxLayers = 2 }));
        var parameters = Assert.Throws<ServiceException>(() => SpecMapper.ToEngine(wire, new ModelSpecLimits { MaxParameters = 9 }));

        Assert.Equal(ServiceError.LimitExceeded, layers.Error);
        Assert.Contains("Limits:MaxLayers", layers.Message);
        Assert.Equal(ServiceError.LimitExceeded, parameters.Error);
        Assert.Equal("The model has 10 parameters; the limit is 9 (Limits:MaxParametersPerModel).", parameters.Message);
    }
}
