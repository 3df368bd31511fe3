using System.Reflection;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Layers;

public class LayerTypesTests
{
    /// <summary>One spec per shipped layer type with non-default settings: a new layer type adds its line here.</summary>
    private static readonly LayerSpec[] s_samples =
    [
        new DenseSpec(7, WeightInit.Xavier),
        new ReluSpec(),
        new LeakyReluSpec(0.3f),
        new SigmoidSpec(),
        new TanhSpec(),
        new DropoutSpec(0.125f),
    ];

    public static TheoryData<LayerSpec> Samples => [.. s_samples];

    private static IEnumerable<LayerType> Shipped => LayerTypes.All.Where(t => t.SpecType.Assembly == typeof(LayerSpec).Assembly);

    [Fact]
    public void EveryLayerSpecTypeOfTheEngine_IsRegisteredOnce()
    {
        var specTypes = typeof(LayerSpec).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerSpec)) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

        Assert.Equal(specTypes, Shipped.Select(t => t.SpecType).OrderBy(t => t.Name, StringComparer.Ordinal));
        foreach (var type in Shipped)
        {
            var descriptor = type.SpecType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
            Assert.Same(type, descriptor);
        }
    }

    [Fact]
    public void Tags_AreUniqueAndStable_NamesSnakeCase()
    {
        // Tags are the checkpoint record tags and the proto oneof numbers: they never change.
        Assert.Equal(
            [(1, "dense"), (2, "relu"), (3, "leaky_relu"), (4, "sigmoid"), (5, "tanh"), (6, "dropout")],
            Shipped.Where(t => t.Tag <= 6).Select(t => (t.Tag, t.Name)));
        Assert.Equal(LayerTypes.All.Count, LayerTypes.All.Select(t => t.Tag).Distinct().Count());
        Assert.All(Shipped, t => Assert.InRange(t.Tag, 1, 9999));
        Assert.Equal(LayerTypes.All.OrderBy(t => t.Tag), LayerTypes.All);
        Assert.Throws<ArgumentException>(() => LayerType.Create(99, "Dense", _ => new ReluSpec()));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerType.Create(0, "zero", _ => new ReluSpec()));
    }

    [Fact]
    public void Samples_CoverEveryShippedType()
    {
        Assert.Equal(Shipped.Select(t => t.Name).Order(), s_samples.Select(s => s.Type.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Settings_RoundTripThroughTheCheckpointRecord(LayerSpec spec)
    {
        var writer = new LayerSettingsWriter();
        spec.WriteSettings(writer);
        var reader = new LayerSettingsReader(writer.WrittenSpan, null, "layers[0]." + spec.Type.Name);

        var read = spec.Type.ReadSettings(reader);
        reader.ExpectEnd();

        Assert.Equal(spec, read);
        Assert.Same(spec.Type, LayerTypes.FindByTag(spec.Type.Tag));
        Assert.Same(spec.Type, LayerTypes.FindByName(spec.Type.Name));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void CreateLayer_NamesItByTypeAndIndex_ShapesFromTheSpec(LayerSpec spec)
    {
        var layer = spec.CreateLayer(new TensorShape(5), index: 4);

        Assert.Equal($"{spec.Type.Name}4", layer.Name);
        Assert.Equal(new TensorShape(5), layer.InputShape);
        Assert.Equal(spec.OutputShape(new TensorShape(5), null!), layer.OutputShape);
    }
}
