using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Dense;

/// <summary>
/// Fully connected layer: each sample is read as a flat vector of In = product(input shape)
/// elements (as Caffe's InnerProduct does, so an image needs no flatten layer first);
/// weight (In, Units), bias (1, Units), output shape [Units].
/// </summary>
/// <param name="Units">Output units (≥ 1).</param>
/// <param name="Init">Weight initialisation; biases start at zero.</param>
public sealed record DenseSpec(int Units, WeightInit Init = WeightInit.He) : LayerSpec
{
    /// <summary>Tag 1, name <c>dense</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(1, "dense", Read);

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context)
    {
        if (Units < 1)
        {
            throw context.Invalid("units", $"Dense units must be at least 1, got {Units}.");
        }
        if (!Enum.IsDefined(Init))
        {
            throw context.Invalid("init", $"Unknown weight initialisation {(int)Init}.");
        }
        long weights = (long)input.Length * Units;
        if (weights > Array.MaxLength)
        {
            throw context.Invalid("units", $"A dense layer of {Units} units over {input.Length} inputs needs a weight of {weights} elements; a tensor holds at most {Array.MaxLength}.");
        }
        return new TensorShape(Units);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterShape> ParameterShapes(TensorShape input) =>
    [
        new("weight", new TensorShape(input.Length, Units), ParameterKind.Weight),
        new("bias", new TensorShape(1, Units), ParameterKind.Bias),
    ];

    /// <inheritdoc/>
    public override void Initialize(LayerInitContext context)
    {
        var random = context.CreateRandom();
        WeightInitializer.Fill(context.Parameter("weight").Span, Init, context.InputShape.Length, Units, ref random);
    }

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new DenseLayer(context);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer)
    {
        writer.WriteInt32(Units);
        writer.WriteEnum(Init);
    }

    private static DenseSpec Read(LayerSettingsReader reader) =>
        new(reader.ReadInt32("units"), reader.ReadEnum<WeightInit>("init"));
}
