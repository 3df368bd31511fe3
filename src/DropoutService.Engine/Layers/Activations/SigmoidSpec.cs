using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>Sigmoid, 1 / (1 + e^-x). No settings.</summary>
public sealed record SigmoidSpec : ActivationSpec
{
    /// <summary>Tag 4, name <c>sigmoid</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(4, "sigmoid", _ => new SigmoidSpec());

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new SigmoidLayer(context);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer)
    {
    }
}
