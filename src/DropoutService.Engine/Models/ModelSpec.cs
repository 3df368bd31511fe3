using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// A serialisable description of a sequential model: everything needed to build it and to
/// initialise its weights reproducibly from <see cref="Seed"/>.
/// </summary>
public sealed record ModelSpec
{
    private TensorShape? _inputShape;

    /// <summary>
    /// The shape of one input sample, e.g. [features] for an MLP or [channels, height, width] for
    /// images (row-major, NCHW with the batch dimension in front). A spec that sets only
    /// <see cref="InputSize"/> has input shape [InputSize].
    /// </summary>
    public TensorShape InputShape
    {
        get => _inputShape ?? (RawInputSize > 0 ? new TensorShape(RawInputSize) : default);
        init => _inputShape = value;
    }

    /// <summary>
    /// Elements per input sample: the product of <see cref="InputShape"/> (features per row, for an
    /// MLP). Setting it (the first API's way) means input shape [InputSize] unless
    /// <see cref="InputShape"/> is set too, in which case the two must agree.
    /// </summary>
    public int InputSize
    {
        get => _inputShape is { } shape ? shape.Length : RawInputSize;
        init => RawInputSize = value;
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>The loss the model is trained with.</summary>
    public LossKind Loss { get; init; } = LossKind.SoftmaxCrossEntropy;

    /// <summary>Seed of weight initialisation.</summary>
    public ulong Seed { get; init; }

    /// <summary>True for classifiers (softmax cross-entropy): outputs are logits over classes.</summary>
    public bool IsClassifier => Loss == LossKind.SoftmaxCrossEntropy;

    /// <summary>The value given to <see cref="InputSize"/>, 0 when unset.</summary>
    internal int RawInputSize { get; private init; }

    /// <summary>True when <see cref="InputShape"/> was set explicitly.</summary>
    internal bool HasExplicitInputShape => _inputShape is not null;

    /// <inheritdoc/>
    public bool Equals(ModelSpec? other) =>
        other is not null && InputShape == other.InputShape && Loss == other.Loss && Seed == other.Seed
        && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputShape, Loss, Seed, Layers.Count);
}
