using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Storage;

namespace DropoutService.Server.Models;

/// <summary>
/// One servable version of a model: what the store says about it. Its weights are loaded on demand
/// through the registry's <see cref="VersionCache"/>.
/// </summary>
public sealed class VersionRecord(long number, long sizeBytes, TrainingMetadata metadata, OptimizerKind? optimizer)
{
    public long Number { get; } = number;

    public long SizeBytes { get; } = sizeBytes;

    public TrainingMetadata Metadata { get; } = metadata;

    public OptimizerKind? Optimizer { get; } = optimizer;

    public VersionSource Source => Metadata.Labels.TryGetValue(Labels.Source, out var s) && Enum.TryParse<VersionSource>(s, true, out var v) ? v : VersionSource.Unknown;

    public long Parent => Metadata.Labels.TryGetValue(Labels.Parent, out var p) && long.TryParse(p, out var n) ? n : 0;

    public static VersionRecord From(StoredVersion stored) => new(stored.Number, stored.SizeBytes, stored.Metadata, stored.Optimizer);

    public static class Labels
    {
        public const string Source = "source";
        public const string Parent = "parent";
    }
}
