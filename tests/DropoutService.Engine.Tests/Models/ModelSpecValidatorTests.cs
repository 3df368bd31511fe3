using System.Collections;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Models;

public class ModelSpecValidatorTests
{
    [Fact]
    public void Validate_MillionLayers_RejectedByTheLayerLimitBeforeAnyLayerIsRead()
    {
        // A list whose layers throw when touched: the count alone must decide.
        var spec = new ModelSpec { InputSize = 4, Layers = new UntouchableLayers(1_000_000) };

        var e = Assert.Throws<ModelSpecLimitException>(() => ModelSpecValidator.Validate(spec));

        Assert.Equal(("layers", "MaxLayers", 1_000_000L, (long)ModelSpecLimits.LayerCap), (e.Field, e.Limit, e.Actual, e.Maximum));
    }

    [Fact]
    public void Validate_ConfiguredLayerLimit_AppliesAtTheEdge()
    {
        var layers = Enumerable.Repeat<LayerSpec>(LayerSpec.Relu(), 9).Append(LayerSpec.Dense(2)).ToArray(); // 10 layers
        var spec = new ModelSpec { InputSize = 4, Layers = layers };

        ModelSpecValidator.Validate(spec, new ModelSpecLimits { MaxLayers = 10 });
        var e = Assert.Throws<ModelSpecLimitException>(() => ModelSpecValidator.Validate(spec, new ModelSpecLimits { MaxLayers = 9 }));

        Assert.Equal(10, e.Actual);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelSpecLimits { MaxLayers = ModelSpecLimits.LayerCap + 1 });
    }

    [Fact]
    public void Validate_ParameterCountThatWouldWrapInt64_RejectedWithoutAllocating()
    {
        // Issue 13: three dense layers of int.MaxValue units summed to a negative count in the old
        // server check and passed it. Each weight alone is too large for a tensor: named and refused.
        var spec = new ModelSpec
        {
            InputSize = 4,
            Layers = [LayerSpec.Dense(int.MaxValue), LayerSpec.Dense(int.MaxValue), LayerSpec.Dense(int.MaxValue)],
        };
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(spec));

        Assert.Equal("layers[0].dense.units", e.Field);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Validate_ParameterLimit_CountsExactlyAndAppliesAtTheEdge()
    {
        // 100·1000 + 1000 + 1000·1000 + 1000 + 1000·10 + 10 = 1,112,010 parameters.
        var spec = new ModelSpec { InputSize = 100, Layers = [LayerSpec.Dense(1000), LayerSpec.Dense(1000), LayerSpec.Dense(10)] };

        Assert.Equal(1_112_010, ModelSpecValidator.Validate(spec, new ModelSpecLimits { MaxParameters = 1_112_010 }).ParameterCount);
        var e = Assert.Throws<ModelSpecLimitException>(() => ModelSpecValidator.Validate(spec, new ModelSpecLimits { MaxParameters = 1_112_009 }));

        Assert.Equal(("MaxParameters", 1_112_010L), (e.Limit, e.Actual));
        Assert.Contains("1112010 parameters", e.Message);
    }

    [Fact]
    public void Validate_LargestDenseWeightThatFitsATensor_Accepted_OneMoreUnit_Rejected()
    {
        int units = Array.MaxLength / 2;
        ModelSpecValidator.Validate(new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(units)], Loss = LossKind.MeanSquaredError });
        var e = Assert.Throws<ModelSpecException>(() =>
            ModelSpecValidator.Validate(new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(units + 1)], Loss = LossKind.MeanSquaredError }));
        Assert.Equal("layers[0].dense.units", e.Field);
    }

    [Fact]
    public void Validate_InputSizeBeyondTheLargestTensor_ModelSpecExceptionOnInputSize()
    {
        // Found by CheckpointReaderPropertyTests: a format-1 checkpoint declaring such an input size
        // made the validator throw ArgumentOutOfRangeException instead of the reader's exception.
        var e = Assert.Throws<ModelSpecException>(() =>
            ModelSpecValidator.Validate(new ModelSpec { InputSize = Array.MaxLength + 1, Layers = [LayerSpec.Dense(1)], Loss = LossKind.MeanSquaredError }));
        Assert.Equal("input_size", e.Field);
        Assert.Contains($"at most {Array.MaxLength}", e.Message);
    }

    public static TheoryData<string, ModelSpec> Invalid => new()
    {
        { "layers", new ModelSpec { InputSize = 2 } },
        { "layers", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Relu(), LayerSpec.Dropout(0.1f)] } },
        { "layers[1]", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(3), null!] } },
        { "layers[1].dense.init", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Relu(), new DenseSpec(3, (WeightInit)7)] } },
        { "layers[0].leaky_relu.slope", new ModelSpec { InputSize = 2, Layers = [LayerSpec.LeakyRelu(-1f), LayerSpec.Dense(2)] } },
        { "layers[1].dropout.rate", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(3), LayerSpec.Dropout(float.NaN)] } },
        { "loss", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(1)] } },
        { "loss", new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(3)], Loss = (LossKind)9 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidSpec_NamesTheWireField(string field, ModelSpec spec)
    {
        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(spec));
        Assert.Equal(field, e.Field);
        Assert.IsNotType<ModelSpecLimitException>(e);
    }

    [Fact]
    public void Validate_UnregisteredSpecType_Rejected()
    {
        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(new ModelSpec { InputSize = 2, Layers = [new UnregisteredSpec(), LayerSpec.Dense(2)] }));
        Assert.Equal("layers[0]", e.Field);
        Assert.Contains("not a registered layer type", e.Message);
    }

    private sealed record UnregisteredSpec : LayerSpec
    {
        public override LayerType Type => DenseSpec.Descriptor; // borrows a registered descriptor: still refused

        public override TensorShape OutputShape(TensorShape input, LayerSpecContext context) => input;

        public override ILayer Build(LayerBuildContext context) => throw new NotSupportedException();

        public override void WriteSettings(LayerSettingsWriter writer) => throw new NotSupportedException();
    }

    private sealed class UntouchableLayers(int count) : IReadOnlyList<LayerSpec>
    {
        public LayerSpec this[int index] => throw new InvalidOperationException("A layer was read.");

        public int Count => count;

        public IEnumerator<LayerSpec> GetEnumerator() => throw new InvalidOperationException("The layers were enumerated.");

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
