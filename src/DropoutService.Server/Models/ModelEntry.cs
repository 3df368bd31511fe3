using System.Collections.Immutable;
using DropoutService.Engine.Models;

namespace DropoutService.Server.Models;

/// <summary>
/// A model in the registry: its spec and immutable versions. The version list is replaced
/// atomically on publish, so readers always see a complete list of complete versions.
/// One writer (Train or ApplyGradients) at a time.
/// </summary>
public sealed class ModelEntry(string id, ModelSpec spec, long parameterCount, int outputSize)
{
    private ImmutableArray<VersionRecord> _versions = [];
    private ImmutableArray<CorruptVersion> _corrupt = [];
    private int _writer;

    public string Id { get; } = id;

    public ModelSpec Spec { get; } = spec;

    public long ParameterCount { get; } = parameterCount;

    public int OutputSize { get; } = outputSize;

    /// <summary>Serialises publishing and numbering.</summary>
    public Lock PublishGate { get; } = new();

    /// <summary>Highest version number seen on disk, loadable or not: new versions are numbered above it.</summary>
    public long HighestNumber { get; set; }

    public ImmutableArray<VersionRecord> Versions => _versions;

    public ImmutableArray<CorruptVersion> Corrupt => _corrupt;

    public VersionRecord Latest => Versions[^1];

    public bool IsWriting => Volatile.Read(ref _writer) != 0;

    public bool Deleted { get; set; }

    public VersionRecord? Find(long number)
    {
        var versions = Versions;
        int lo = 0, hi = versions.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long n = versions[mid].Number;
            if (n == number)
            {
                return versions[mid];
            }
            if (n < number)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return null;
    }

    /// <summary>Claims the single writer slot; false when a Train or ApplyGradients is running.</summary>
    public bool TryBeginWrite() => Interlocked.CompareExchange(ref _writer, 1, 0) == 0;

    public void EndWrite() => Volatile.Write(ref _writer, 0);

    /// <summary>Appends a version (numbers increase) and demotes the previous latest to a weak cache.</summary>
    public void Append(VersionRecord version)
    {
        var previous = _versions.IsEmpty ? null : _versions[^1];
        ImmutableInterlocked.Update(ref _versions, list => list.Add(version));
        previous?.Demote();
        if (version.Number > HighestNumber)
        {
            HighestNumber = version.Number;
        }
    }

    public void AddCorrupt(CorruptVersion corrupt)
    {
        ImmutableInterlocked.Update(ref _corrupt, list => list.Add(corrupt));
        if (corrupt.Number > HighestNumber)
        {
            HighestNumber = corrupt.Number;
        }
    }
}
