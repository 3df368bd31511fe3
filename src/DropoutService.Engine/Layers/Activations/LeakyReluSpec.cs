using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>Leaky ReLU: x for x &gt; 0, slope·x otherwise.</summary>
/// <param name="Slope">The slope for negative inputs, in [0, 1).</param>
public sealed record LeakyReluSpec(float Slope = LeakyReluSpec.DefaultSlope) : ActivationSpec
{
    /// <summary>The slope when none is given: 0.01, as PyTorch's.</summary>
    public const float DefaultSlope = 0.01f;

    /// <summary>Tag 3, name <c>leaky_relu</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(3, "leaky_relu", r => new LeakyReluSpec(r.ReadSingle("slope")));

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context)
    {
        if (!(Slope >= 0f && Slope < 1f))
        {
            throw context.Invalid("slope", $"LeakyReLU slope must be in [0, 1), got {Slope}.");
        }
        return input;
    }

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new LeakyReluLayer(context, Slope);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer) => writer.WriteSingle(Slope);
}
