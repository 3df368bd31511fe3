using DropoutService.Server.Models;

namespace DropoutService.Server.Training;

/// <summary>A completed training: the published version, the epoch whose weights it holds, whether early stopping ended it.</summary>
public sealed record TrainingOutcome(VersionRecord Version, int BestEpoch, bool StoppedEarly, int Epochs);
