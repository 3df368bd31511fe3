using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Training;

/// <summary>
/// The end of an epoch, handed to the epoch callback of
/// <see cref="Trainer.Fit(Dataset, TrainingState?, Action{EpochMetrics, EpochBoundary}?, CancellationToken)"/>:
/// the one moment a complete resumable <see cref="TrainingState"/> can be exported. Valid only
/// during the callback.
/// </summary>
public sealed class EpochBoundary
{
    private readonly Model _model;
    private readonly IOptimizer _optimizer;
    private readonly TrainingProgress _progress;
    private readonly bool _earlyStopping;
    private readonly Func<TimeSpan> _elapsed;

    internal EpochBoundary(Model model, IOptimizer optimizer, TrainingProgress progress, bool earlyStopping, Func<TimeSpan> elapsed)
    {
        _model = model;
        _optimizer = optimizer;
        _progress = progress;
        _earlyStopping = earlyStopping;
        _elapsed = elapsed;
    }

    /// <summary>Epochs finished so far.</summary>
    public int CompletedEpochs => _progress.CompletedEpochs;

    /// <summary>True when training ends after this epoch (the last epoch, or early stopping).</summary>
    public bool IsLast { get; internal set; }

    /// <summary>A deep copy of the complete state after this epoch, to resume from later.</summary>
    public TrainingState ExportState() => _progress.Export(_model, _optimizer, _elapsed(), _earlyStopping);
}
