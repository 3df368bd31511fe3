namespace DropoutService.Engine.Losses;

/// <summary>Creates the loss for a <see cref="LossKind"/>.</summary>
public static class LossFactory
{
    /// <summary>The loss of <paramref name="kind"/>; throws <see cref="ArgumentOutOfRangeException"/> for an unknown kind.</summary>
    public static ILoss Create(LossKind kind) => kind switch
    {
        LossKind.SoftmaxCrossEntropy => new SoftmaxCrossEntropyLoss(),
        LossKind.MeanSquaredError => new MeanSquaredErrorLoss(),
        LossKind.BinaryCrossEntropyWithLogits => new BinaryCrossEntropyWithLogitsLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown loss kind {(int)kind}."),
    };
}
