using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Storage;

/// <summary>
/// One version as listed by the store: its number and what the checkpoint records about it, or why
/// it cannot be read (<see cref="Unreadable"/>, a reason without any store path).
/// </summary>
public sealed record StoredVersion(long Number, long SizeBytes, TrainingMetadata Metadata, OptimizerKind? Optimizer)
{
    /// <summary>Why the version cannot be read; null when it can.</summary>
    public string? Unreadable { get; init; }

    /// <summary>The decoded checkpoint when listing had to read it anyway (the directory store), so it is not read twice; null otherwise.</summary>
    public Checkpoint? Checkpoint { get; init; }

    public static StoredVersion Broken(long number, string reason) =>
        new(number, 0, new TrainingMetadata(), null) { Unreadable = reason };

    public static StoredVersion Of(long number, long sizeBytes, Checkpoint checkpoint, bool keepCheckpoint) =>
        new(number, sizeBytes, checkpoint.Metadata, checkpoint.Optimizer?.Kind) { Checkpoint = keepCheckpoint ? checkpoint : null };
}
