namespace DropoutService.Engine.Optimizers;

/// <summary>
/// A per-epoch learning-rate schedule. Fields a kind does not use are ignored by
/// <see cref="RateAt"/> but still validated, as <see cref="OptimizerSettings"/> does.
/// </summary>
public sealed record LearningRateSchedule
{
    /// <summary>The base rate throughout.</summary>
    public static LearningRateSchedule Constant { get; } = new();

    /// <summary>The schedule's shape.</summary>
    public LearningRateScheduleKind Kind { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>For <see cref="LearningRateScheduleKind.Step"/>: epochs between decays (≥ 1).</summary>
    public int StepEpochs { get; init; } = 1;

    /// <summary>For <see cref="LearningRateScheduleKind.Step"/>: the decay factor γ, in (0, 1].</summary>
    public float Gamma { get; init; } = 1f;

    /// <summary>For <see cref="LearningRateScheduleKind.Cosine"/>: the rate reached at the last epoch (≥ 0).</summary>
    public float MinLearningRate { get; init; }

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="everyEpochs"/> epochs.</summary>
    public static LearningRateSchedule Step(int everyEpochs, float gamma) =>
        new() { Kind = LearningRateScheduleKind.Step, StepEpochs = everyEpochs, Gamma = gamma };

    /// <summary>Cosine annealing from the base rate down to <paramref name="minLearningRate"/>.</summary>
    public static LearningRateSchedule Cosine(float minLearningRate = 0f) =>
        new() { Kind = LearningRateScheduleKind.Cosine, MinLearningRate = minLearningRate };

    /// <summary>
    /// The rate for 0-based <paramref name="epoch"/> of a run of <paramref name="totalEpochs"/>.
    /// Step: <c>base·γ^floor(epoch / StepEpochs)</c>. Cosine:
    /// <c>min + (base - min)·(1 + cos(π·epoch / totalEpochs)) / 2</c>, so epoch 0 runs at the base
    /// rate and the rate stays at <c>min</c> past the end rather than rising again. Validates the
    /// schedule first.
    /// </summary>
    public float RateAt(float baseRate, int epoch, int totalEpochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalEpochs, 1);
        Validate();
        switch (Kind)
        {
            case LearningRateScheduleKind.Step:
                return (float)(baseRate * Math.Pow(Gamma, epoch / StepEpochs));
            case LearningRateScheduleKind.Cosine:
                double progress = Math.Min(epoch, totalEpochs) / (double)totalEpochs;
                return (float)(MinLearningRate + (baseRate - (double)MinLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2);
            default:
                return baseRate;
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown learning-rate schedule kind.");
        }
        if (StepEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(StepEpochs), StepEpochs, "StepEpochs must be at least 1.");
        }
        if (!(Gamma > 0f && Gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "Gamma must be in (0, 1].");
        }
        if (!(MinLearningRate >= 0f) || float.IsPositiveInfinity(MinLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate, "MinLearningRate must be finite and non-negative.");
        }
    }
}
