using System.Collections.Immutable;
using DropoutService.Engine.Models;
using DropoutService.Server.Storage;

namespace DropoutService.Server.Models;

/// <summary>
/// A model in the registry: one incarnation in the store, its spec and immutable versions. The
/// version list is replaced atomically, so readers always see a complete list of complete versions.
/// One writer (Train, ApplyGradients or Delete) at a time, across every server on the store.
/// </summary>
public sealed class ModelEntry
{
    private readonly IModelStore _store;
    private readonly Action<ModelEntry> _catchUp;
    private ImmutableArray<VersionRecord> _versions = [];
    private ImmutableArray<CorruptVersion> _corrupt = [];
    private int _writing;
    private IModelWriterLock? _writer;

    internal ModelEntry(StoredModel stored, ModelSpec spec, long parameterCount, int outputSize, IModelStore store, Action<ModelEntry> catchUp)
    {
        _catchUp = catchUp;
        Stored = stored;
        Spec = spec;
        ParameterCount = parameterCount;
        OutputSize = outputSize;
        _store = store;
    }

    public string Id => Stored.Id;

    /// <summary>The store's model: id and incarnation.</summary>
    public StoredModel Stored { get; }

    public ModelSpec Spec { get; }

    public long ParameterCount { get; }

    public int OutputSize { get; }

    /// <summary>Serialises publishing and catching up with the store.</summary>
    public Lock PublishGate { get; } = new();

    /// <summary>Servable versions, ascending; never empty.</summary>
    public ImmutableArray<VersionRecord> Versions => _versions;

    public ImmutableArray<CorruptVersion> Corrupt => _corrupt;

    public VersionRecord Latest => Versions[^1];

    /// <summary>The highest number seen, servable or not: the store's listing continues above it.</summary>
    public long HighestNumber => Math.Max(_versions.IsEmpty ? 0 : _versions[^1].Number, _corrupt.IsEmpty ? 0 : _corrupt.Max(c => c.Number));

    public bool IsWriting => Volatile.Read(ref _writing) != 0;

    /// <summary>True once the model has been deleted (here or by another server): publishing answers NOT_FOUND.</summary>
    public bool Deleted { get; internal set; }

    /// <summary>The store's writer lock while a write is in progress.</summary>
    internal IModelWriterLock? Writer => _writer;

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

    /// <summary>
    /// Claims the model's single writer slot, here and in the store (across replicas); false when a
    /// Train, ApplyGradients or Delete holds it anywhere. Throws the store's failure (a read-only
    /// follower, a database that is down). Pair with <see cref="EndWrite"/>.
    /// </summary>
    public bool TryBeginWrite()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
        {
            return false;
        }
        try
        {
            _writer = _store.TryLockWriter(Stored);
            if (_writer is null)
            {
                Volatile.Write(ref _writing, 0);
                return false;
            }
            // The previous writer may have been another server whose versions were not heard of yet:
            // the writer starts from the store's latest, never from a stale one.
            _catchUp(this);
            return true;
        }
        catch
        {
            EndWrite();
            throw;
        }
    }

    public void EndWrite()
    {
        var writer = Interlocked.Exchange(ref _writer, null);
        writer?.Dispose();
        Volatile.Write(ref _writing, 0);
    }

    /// <summary>Appends a version above the current latest (an older number is already known and ignored).</summary>
    internal void Append(VersionRecord version)
    {
        ImmutableInterlocked.Update(ref _versions, list => !list.IsEmpty && list[^1].Number >= version.Number ? list : list.Add(version));
    }

    internal void AddCorrupt(CorruptVersion corrupt)
    {
        ImmutableInterlocked.Update(ref _corrupt, list => list.Any(c => c.Number == corrupt.Number) ? list : list.Add(corrupt));
    }

    /// <summary>Takes a version out of service (gone or unreadable); false when it was the last one, which stays listed until the entry is dropped.</summary>
    internal bool MarkUnavailable(long number, string reason)
    {
        AddCorrupt(new CorruptVersion(number, reason));
        bool remaining = true;
        ImmutableInterlocked.Update(ref _versions, list =>
        {
            var kept = list.RemoveAll(v => v.Number == number);
            remaining = !kept.IsEmpty;
            return kept.IsEmpty ? list : kept;
        });
        return remaining;
    }
}
