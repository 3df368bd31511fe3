using DropoutService.Engine.Training;

namespace DropoutService.Server.Jobs;

/// <summary>One event of a watched job: its state (first, then on every change) or a finished epoch.</summary>
public sealed record JobEvent(JobRecord? State, EpochMetrics? Epoch);
