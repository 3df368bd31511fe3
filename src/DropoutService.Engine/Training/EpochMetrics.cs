namespace DropoutService.Engine.Training;

/// <summary>What one epoch of training measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">Optimizer steps taken so far in this run.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's minibatches (in training mode, i.e. with dropout).</param>
/// <param name="TrainAccuracy">Training accuracy over the epoch's minibatches, for classifiers.</param>
/// <param name="ValidationLoss">Mean loss on the validation set in eval mode, when there is one.</param>
/// <param name="ValidationAccuracy">Validation accuracy, for classifiers with a validation set.</param>
/// <param name="LearningRate">The learning rate used during the epoch.</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record EpochMetrics(
    int Epoch,
    long Step,
    float TrainLoss,
    float? TrainAccuracy,
    float? ValidationLoss,
    float? ValidationAccuracy,
    float LearningRate,
    TimeSpan Elapsed);
