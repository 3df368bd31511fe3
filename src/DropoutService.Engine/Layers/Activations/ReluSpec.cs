using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>ReLU, max(0, x). No settings.</summary>
public sealed record ReluSpec : ActivationSpec
{
    /// <summary>Tag 2, name <c>relu</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(2, "relu", _ => new ReluSpec());

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new ReluLayer(context);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer)
    {
    }
}
