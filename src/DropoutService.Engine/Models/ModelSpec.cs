using DropoutService.Engine.Losses;

namespace DropoutService.Engine.Models;

/// <summary>
/// A serialisable description of a sequential model: everything needed to build it and to
/// initialise its weights reproducibly from <see cref="Seed"/>.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Features per input row (≥ 1).</summary>
    public int InputSize { get; init; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>The loss the model is trained with.</summary>
    public LossKind Loss { get; init; } = LossKind.SoftmaxCrossEntropy;

    /// <summary>Seed of weight initialisation.</summary>
    public ulong Seed { get; init; }

    /// <summary>True for classifiers (softmax cross-entropy): outputs are logits over classes.</summary>
    public bool IsClassifier => Loss == LossKind.SoftmaxCrossEntropy;

    /// <inheritdoc/>
    public bool Equals(ModelSpec? other) =>
        other is not null && InputSize == other.InputSize && Loss == other.Loss && Seed == other.Seed
        && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputSize, Loss, Seed, Layers.Count);
}
