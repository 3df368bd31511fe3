using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Training;

/// <summary>
/// The loop state of one <see cref="Trainer.Fit(Dataset, TrainingState?, Action{EpochMetrics, EpochBoundary}?, CancellationToken)"/>:
/// what a <see cref="TrainingState"/> saves and restores. Kept apart from the loop so that saving
/// and resuming are one pair of methods over one set of fields.
/// </summary>
internal sealed class TrainingProgress
{
    private TrainingProgress(int capacity)
    {
        History = new List<EpochMetrics>(capacity);
    }

    public List<EpochMetrics> History { get; }

    public int CompletedEpochs { get; private set; }

    public long Step { get; set; }

    /// <summary>Training time of earlier attempts.</summary>
    public TimeSpan ElapsedBefore { get; private set; }

    public float BestLoss { get; private set; } = float.PositiveInfinity;

    public int BestEpoch { get; private set; }

    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Every parameter and buffer at <see cref="BestEpoch"/>, when best weights are restored.</summary>
    public Checkpoint? BestWeights { get; private set; }

    public bool StoppedEarly { get; private set; }

    public static TrainingProgress Start(TrainingOptions options) => new(options.Epochs);

    /// <summary>
    /// Restores <paramref name="state"/> into the model and optimizer after checking that it belongs
    /// to this run; throws <see cref="ArgumentException"/> (nothing restored that matters: the caller
    /// starts over) when it does not.
    /// </summary>
    public static TrainingProgress Resume(TrainingState state, Model model, IOptimizer optimizer, TrainingOptions options, bool earlyStopping)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Model.Spec != model.Spec)
        {
            throw new ArgumentException("The training state is for another model spec.", nameof(state));
        }
        if (state.CompletedEpochs < 1 || state.CompletedEpochs > options.Epochs || state.History.Count != state.CompletedEpochs || state.Step < 0)
        {
            throw new ArgumentException(
                $"The training state has {state.CompletedEpochs} epochs done ({state.History.Count} in its history) and step {state.Step}; this run has {options.Epochs} epochs.", nameof(state));
        }
        if (state.Model.Optimizer is null)
        {
            throw new ArgumentException("The training state has no optimizer state.", nameof(state));
        }
        if (earlyStopping != state.EarlyStopping is not null)
        {
            throw new ArgumentException("The training state's early stopping does not match the options.", nameof(state));
        }
        if (state.EarlyStopping is { BestEpoch: > 0, BestWeights: null } && options.RestoreBestWeights)
        {
            throw new ArgumentException("The training state restores best weights but holds none.", nameof(state));
        }
        optimizer.ImportState(state.Model.Optimizer, model.Parameters);
        ModelValues.CopyInto(state.Model, model);
        var progress = new TrainingProgress(options.Epochs)
        {
            CompletedEpochs = state.CompletedEpochs,
            Step = state.Step,
            ElapsedBefore = state.Elapsed,
            StoppedEarly = state.StoppedEarly,
        };
        progress.History.AddRange(state.History);
        if (state.EarlyStopping is { } es)
        {
            progress.BestLoss = es.BestLoss;
            progress.BestEpoch = es.BestEpoch;
            progress.EpochsWithoutImprovement = es.EpochsWithoutImprovement;
            progress.BestWeights = es.BestWeights;
        }
        return progress;
    }

    /// <summary>Records a finished epoch; with early stopping, updates the best epoch and decides whether to stop.</summary>
    public void Complete(EpochMetrics metrics, Model model, TrainingOptions options, bool earlyStopping)
    {
        History.Add(metrics);
        CompletedEpochs = metrics.Epoch;
        if (!earlyStopping)
        {
            return;
        }
        float loss = metrics.ValidationLoss!.Value;
        if (loss < BestLoss - options.EarlyStoppingMinDelta)
        {
            BestLoss = loss;
            BestEpoch = metrics.Epoch;
            EpochsWithoutImprovement = 0;
            if (options.RestoreBestWeights)
            {
                BestWeights = Checkpoint.FromModel(model, null, new TrainingMetadata { Epochs = metrics.Epoch, Steps = Step });
            }
        }
        else if (++EpochsWithoutImprovement >= options.EarlyStoppingPatience)
        {
            StoppedEarly = metrics.Epoch < options.Epochs;
        }
    }

    /// <summary>A deep copy of the state after the last completed epoch.</summary>
    public TrainingState Export(Model model, IOptimizer optimizer, TimeSpan elapsedThisAttempt, bool earlyStopping) =>
        new(
            Checkpoint.FromModel(model, optimizer.ExportState(), new TrainingMetadata { Epochs = CompletedEpochs, Steps = Step }),
            CompletedEpochs,
            Step,
            ElapsedBefore + elapsedThisAttempt,
            History.ToArray(),
            earlyStopping ? new EarlyStoppingState(BestLoss, BestEpoch, EpochsWithoutImprovement, BestWeights) : null,
            StoppedEarly);
}
