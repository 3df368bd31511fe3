using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Training;

/// <summary>The outcome of a <see cref="Trainer"/> run.</summary>
/// <param name="History">Metrics of every completed epoch.</param>
/// <param name="BestEpoch">1-based epoch whose weights the model holds at the end (the last epoch unless early stopping restored an earlier one).</param>
/// <param name="StoppedEarly">True when early stopping ended training before the last epoch.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="OptimizerState">The optimizer's state at the end, to resume training later.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochMetrics> History,
    int BestEpoch,
    bool StoppedEarly,
    long Steps,
    OptimizerState OptimizerState);
