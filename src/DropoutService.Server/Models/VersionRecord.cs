using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Models;

/// <summary>
/// One loadable version of a model. Its weights are kept in memory while it is the latest; older
/// versions are reloaded from their file on demand and held weakly.
/// </summary>
public sealed class VersionRecord
{
    private readonly Lock _gate = new();
    private LoadedVersion? _strong;
    private WeakReference<LoadedVersion>? _weak;

    public VersionRecord(long number, string path, long sizeBytes, TrainingMetadata metadata, OptimizerKind? optimizer, LoadedVersion? loaded)
    {
        Number = number;
        FilePath = path;
        SizeBytes = sizeBytes;
        Metadata = metadata;
        Optimizer = optimizer;
        _strong = loaded;
    }

    public long Number { get; }

    public string FilePath { get; }

    public long SizeBytes { get; }

    public TrainingMetadata Metadata { get; }

    public OptimizerKind? Optimizer { get; }

    public VersionSource Source => Metadata.Labels.TryGetValue(Labels.Source, out var s) && Enum.TryParse<VersionSource>(s, true, out var v) ? v : VersionSource.Unknown;

    public long Parent => Metadata.Labels.TryGetValue(Labels.Parent, out var p) && long.TryParse(p, out var n) ? n : 0;

    /// <summary>The weights, from memory or reloaded from the file (which was verified at start).</summary>
    public LoadedVersion Acquire(Func<VersionRecord, LoadedVersion> load)
    {
        lock (_gate)
        {
            if (_strong is not null)
            {
                return _strong;
            }
            if (_weak is not null && _weak.TryGetTarget(out var cached))
            {
                return cached;
            }
            var loaded = load(this);
            _weak = new WeakReference<LoadedVersion>(loaded);
            return loaded;
        }
    }

    /// <summary>Keeps only a weak reference once a newer version is published.</summary>
    public void Demote()
    {
        lock (_gate)
        {
            if (_strong is not null)
            {
                _weak = new WeakReference<LoadedVersion>(_strong);
                _strong = null;
            }
        }
    }

    public static class Labels
    {
        public const string Source = "source";
        public const string Parent = "parent";
    }
}
