using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Training;

/// <summary>Hyper-parameters of a training run. <see cref="Validate"/> names the first invalid option.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data (≥ 1).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per minibatch (≥ 1); the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Base learning rate (&gt; 0), shaped per epoch by <see cref="Schedule"/>.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Optimizer and its settings.</summary>
    public OptimizerSettings Optimizer { get; init; } = new();

    /// <summary>Learning-rate schedule over epochs.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>L2 weight decay λ on weights, not biases (≥ 0): adds λ·w to their gradients.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Max-norm bound on each unit's incoming weight vector after every step; 0 disables it.</summary>
    public float MaxNorm { get; init; }

    /// <summary>Fraction of the training data held out for validation, in [0, 1); ignored when <see cref="Validation"/> is set.</summary>
    public float ValidationSplit { get; init; }

    /// <summary>An explicit validation set.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Stop after this many epochs without validation-loss improvement; 0 disables early stopping.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Smallest decrease of validation loss that counts as an improvement (≥ 0).</summary>
    public float EarlyStoppingMinDelta { get; init; }

    /// <summary>With early stopping, end with the weights of the best validation epoch.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Seed of minibatch shuffling, the validation split and dropout masks.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Rows that <see cref="ValidationSplit"/> holds out of <paramref name="count"/> examples:
    /// ceil(count · split), as scikit-learn counts them (the stratified split shares them among classes).
    /// </summary>
    public int ValidationRows(int count) => (int)Math.Ceiling(count * (double)ValidationSplit);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> whose parameter name is the invalid option.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        }
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be at least 1.");
        }
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Learning rate must be positive and finite.");
        }
        if (!(WeightDecay >= 0f) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be non-negative and finite.");
        }
        if (!(MaxNorm >= 0f) || !float.IsFinite(MaxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNorm), MaxNorm, "Max-norm must be non-negative and finite (0 disables it).");
        }
        if (!(ValidationSplit >= 0f && ValidationSplit < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "Validation split must be in [0, 1).");
        }
        if (EarlyStoppingPatience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Patience must be non-negative (0 disables early stopping).");
        }
        if (EarlyStoppingPatience > 0 && Validation is null && ValidationSplit == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Early stopping needs a validation set or a validation split.");
        }
        if (!(EarlyStoppingMinDelta >= 0f) || !float.IsFinite(EarlyStoppingMinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "Minimum delta must be non-negative and finite.");
        }
        Optimizer.Validate();
        Schedule.Validate();
    }
}
