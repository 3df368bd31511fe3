using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Training;

/// <summary>Early stopping's memory between epochs.</summary>
/// <param name="BestLoss">Lowest validation loss so far (+∞ before the first epoch).</param>
/// <param name="BestEpoch">1-based epoch of <paramref name="BestLoss"/>; 0 before the first epoch.</param>
/// <param name="EpochsWithoutImprovement">Epochs since the last improvement (the patience counter).</param>
/// <param name="BestWeights">Every parameter and buffer at <paramref name="BestEpoch"/>, when best weights are restored at the end.</param>
public sealed record EarlyStoppingState(float BestLoss, int BestEpoch, int EpochsWithoutImprovement, Checkpoint? BestWeights);
