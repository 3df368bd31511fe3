using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Dropout;

/// <summary>
/// Inverted dropout over any input shape (elementwise): <see cref="Rate"/> is the probability of
/// DROPPING an element; kept elements are scaled by 1 / (1 - rate) in Train and McDropout; the
/// identity in Eval. (The original numpy write-up's <c>prob</c> is the keep probability, 1 - rate.)
/// </summary>
/// <param name="Rate">Drop probability, in [0, 1).</param>
public sealed record DropoutSpec(float Rate) : LayerSpec
{
    /// <summary>Tag 6, name <c>dropout</c>.</summary>
    public static LayerType Descriptor { get; } = LayerType.Create(6, "dropout", r => new DropoutSpec(r.ReadSingle("rate")));

    /// <inheritdoc/>
    public override LayerType Type => Descriptor;

    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context)
    {
        if (!(Rate >= 0f && Rate < 1f))
        {
            throw context.Invalid("rate", $"Dropout rate (drop probability) must be in [0, 1), got {Rate}.");
        }
        return input;
    }

    /// <inheritdoc/>
    public override ILayer Build(LayerBuildContext context) => new DropoutLayer(context, Rate);

    /// <inheritdoc/>
    public override void WriteSettings(LayerSettingsWriter writer) => writer.WriteSingle(Rate);
}
