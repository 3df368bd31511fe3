using DropoutService.Server.Training;

namespace DropoutService.Server.Jobs;

/// <summary>A job as the store keeps it. Its epochs are kept apart (appended one by one).</summary>
public sealed record JobRecord
{
    public required string Id { get; init; }

    public required string ModelId { get; init; }

    public JobState State { get; init; } = JobState.Queued;

    public JobOrigin Origin { get; init; } = JobOrigin.StartTraining;

    public long BaseVersion { get; init; }

    public long ResolvedBaseVersion { get; init; }

    public string? DatasetId { get; init; }

    public bool HasInlineValidation { get; init; }

    public required TrainingSettings Settings { get; init; }

    public int EpochsCompleted { get; init; }

    public long ResultVersion { get; init; }

    public int BestEpoch { get; init; }

    public bool StoppedEarly { get; init; }

    public JobFailure? Failure { get; init; }

    public long CreatedUnixMs { get; init; }

    public long StartedUnixMs { get; init; }

    public long EndedUnixMs { get; init; }

    public int Attempt { get; init; }

    public string? RequestId { get; init; }

    public long MaxDurationSeconds { get; init; }

    /// <summary>Incremented by the store on every update: an update based on a stale copy is refused.</summary>
    public long Revision { get; init; }

    public JobLease? Lease { get; init; }

    public bool IsFinal => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
