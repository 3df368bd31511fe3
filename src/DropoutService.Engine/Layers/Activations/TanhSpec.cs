using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>Hyperbolic tangent. No settings.</summary>
public sealed record TanhSpec : ActivationSpec
{
    /// <summary>Tag 5, name <c>tanh</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(5, "tanh", _ => new TanhSpec());

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new TanhLayer(context);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer)
    {
    }
}
