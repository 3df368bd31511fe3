using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>A loss over a batch of the model's raw outputs (logits for the classification losses).</summary>
public interface ILoss
{
    /// <summary>The loss kind.</summary>
    LossKind Kind { get; }

    /// <summary>
    /// Mean loss over the batch for outputs (N, Out); when <paramref name="gradient"/> is not null it
    /// receives dLoss/dOutputs (N, Out) of that mean. Throws <see cref="ArgumentException"/> for
    /// targets of the wrong kind or shape and for class ids outside [0, Out).
    /// </summary>
    float Compute(Tensor outputs, Targets targets, Tensor? gradient);
}
