using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Training;

/// <summary>
/// Everything a <see cref="Trainer"/> needs to continue a run from an epoch boundary as if it had
/// never stopped: the model (every parameter and buffer by name) with its optimizer state, the
/// step counter (which keys the dropout masks), the epochs done with their metrics, and the
/// early-stopping state including the best weights. Shuffling and the validation split are pure
/// functions of the seed and the epoch, so they need no state. Resuming from it gives weights and
/// metrics bitwise identical to an uninterrupted run on the same thread count.
/// </summary>
/// <param name="Model">Spec, parameter values and optimizer state at the end of epoch <paramref name="CompletedEpochs"/>.</param>
/// <param name="CompletedEpochs">Epochs finished (1-based count; 0 is never exported).</param>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="Elapsed">Training time so far, summed over every attempt.</param>
/// <param name="History">Metrics of every finished epoch, in order.</param>
/// <param name="EarlyStopping">Early-stopping bookkeeping, when early stopping is on.</param>
/// <param name="StoppedEarly">True when early stopping has ended the run at <paramref name="CompletedEpochs"/>.</param>
public sealed record TrainingState(
    Checkpoint Model,
    int CompletedEpochs,
    long Step,
    TimeSpan Elapsed,
    IReadOnlyList<EpochMetrics> History,
    EarlyStoppingState? EarlyStopping,
    bool StoppedEarly);
