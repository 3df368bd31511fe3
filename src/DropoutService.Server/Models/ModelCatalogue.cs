using System.Collections.Concurrent;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// The in-memory catalogue of servable models, kept equal to the store: built at start, then
/// compared with the store on every change the store reports. Adding and removing entries happens
/// under <see cref="Gate"/>, so a change that is being applied and a local create or delete never
/// leave two entries (two writer slots) for one model.
/// </summary>
public sealed class ModelCatalogue(IModelStore store, VersionCache cache, IOptions<StoreOptions> options, ILogger<ModelCatalogue> logger)
{
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.Ordinal);

    /// <summary>Held while entries are added or removed (before any entry's <see cref="ModelEntry.PublishGate"/>).</summary>
    public Lock Gate { get; } = new();

    public int Count => _models.Count;

    public ModelEntry? TryGet(string id) => _models.TryGetValue(id, out var entry) ? entry : null;

    public IReadOnlyList<ModelEntry> All() => _models.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();

    /// <summary>Compares every model with the store: new ones are loaded, changed ones caught up, vanished ones dropped. Returns (models, versions, unreadable).</summary>
    public (int Models, int Versions, int Corrupt) Synchronize()
    {
        lock (Gate)
        {
            var stored = store.ListModels();
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var model in stored)
            {
                present.Add(model.Id);
                Reconcile(model.Id, model);
            }
            foreach (var entry in _models.Values.Where(e => !present.Contains(e.Id)).ToList())
            {
                Forget(entry);
            }
            var all = _models.Values.ToList();
            return (all.Count, all.Sum(e => e.Versions.Length), all.Sum(e => e.Corrupt.Length));
        }
    }

    /// <summary>Compares one model with the store.</summary>
    public void Refresh(string id)
    {
        if (!ModelId.IsValid(id))
        {
            return;
        }
        lock (Gate)
        {
            Reconcile(id, store.FindModel(id));
        }
    }

    /// <summary>Adds a model just created here (under <see cref="Gate"/>).</summary>
    public void Add(ModelEntry entry) => _models[entry.Id] = entry;

    /// <summary>Drops an entry (deleted, replaced by a new incarnation, or without a servable version) and its loaded weights.</summary>
    public void Forget(ModelEntry entry)
    {
        entry.Deleted = true;
        _models.TryRemove(KeyValuePair.Create(entry.Id, entry));
        cache.RemoveModel(entry.Id, entry.Stored.Incarnation);
    }

    /// <summary>Appends the versions the store has above the entry's highest (under the entry's <see cref="ModelEntry.PublishGate"/>); returns how many.</summary>
    public int CatchUp(ModelEntry entry)
    {
        int added = 0;
        foreach (var version in store.ReadVersions(entry.Stored, entry.HighestNumber))
        {
            if (version.Unreadable is { } reason)
            {
                entry.AddCorrupt(new CorruptVersion(version.Number, reason));
                continue;
            }
            entry.Append(VersionRecord.From(version));
            added++;
        }
        return added;
    }

    /// <summary><see cref="CatchUp"/> under the entry's publish gate: what a new writer does first.</summary>
    public void CatchUpLocked(ModelEntry entry)
    {
        lock (entry.PublishGate)
        {
            CatchUp(entry);
        }
    }

    public static VersionKey Key(ModelEntry entry, long number) => new(entry.Id, entry.Stored.Incarnation, number);

    private void Reconcile(string id, StoredModel? stored)
    {
        var current = TryGet(id);
        if (stored is null)
        {
            if (current is not null)
            {
                Forget(current);
            }
            return;
        }
        if (current is not null && current.Stored.Incarnation == stored.Incarnation)
        {
            int added;
            lock (current.PublishGate)
            {
                added = CatchUp(current);
            }
            if (added > 0)
            {
                ServerLog.VersionsPickedUp(logger, id, added, current.Latest.Number);
                Warm(current, current.Latest);
            }
            return;
        }
        if (current is not null)
        {
            Forget(current);
        }
        if (Load(stored) is { } entry)
        {
            _models[id] = entry;
        }
    }

    /// <summary>
    /// A model from the store: every version listed (each file read once by the directory store),
    /// the newest loadable one built and cached. Null when no version can be served.
    /// </summary>
    private ModelEntry? Load(StoredModel stored)
    {
        var records = new List<VersionRecord>();
        var corrupt = new List<CorruptVersion>();
        Checkpoint? newest = null;
        foreach (var version in store.ReadVersions(stored, 0))
        {
            if (version.Unreadable is { } reason)
            {
                corrupt.Add(new CorruptVersion(version.Number, reason));
                continue;
            }
            records.Add(VersionRecord.From(version));
            newest = version.Checkpoint;
        }
        while (records.Count > 0)
        {
            var latest = records[^1];
            try
            {
                var checkpoint = newest ?? store.ReadCheckpoint(stored, latest.Number);
                var model = checkpoint.CreateModel();
                var entry = new ModelEntry(stored, checkpoint.Spec, model.ParameterCount, model.OutputSize, store, CatchUpLocked);
                corrupt.ForEach(entry.AddCorrupt);
                records.ForEach(entry.Append);
                cache.Put(Key(entry, latest.Number), new LoadedVersion(model, checkpoint.Optimizer, options.Value.ReplicasPerVersion));
                return entry;
            }
            catch (Exception e) when (e is ArgumentException || e is StoreException { Error: StoreError.Corrupt or StoreError.NotFound })
            {
                ServerLog.VersionUnavailable(logger, stored.Id, latest.Number, e.Message);
                corrupt.Add(new CorruptVersion(latest.Number, e is ArgumentException ? $"the weights do not fit the spec: {e.Message}" : e.Message));
                records.RemoveAt(records.Count - 1);
                newest = null;
            }
        }
        ServerLog.ModelUnavailable(logger, stored.Id);
        return null;
    }

    /// <summary>
    /// The weights of a version, from the cache or loaded from the store. A version that is gone or
    /// unreadable is taken out of service (listed as corrupt, never served again) and the failure
    /// is thrown: NOT_FOUND or DATA_LOSS, naming model and version.
    /// </summary>
    public LoadedVersion Acquire(ModelEntry entry, long number) =>
        cache.GetOrLoad(Key(entry, number), () =>
        {
            try
            {
                var checkpoint = store.ReadCheckpoint(entry.Stored, number);
                return new LoadedVersion(checkpoint.CreateModel(), checkpoint.Optimizer, options.Value.ReplicasPerVersion);
            }
            catch (StoreException e) when (e.Error is StoreError.NotFound or StoreError.Corrupt)
            {
                TakeOutOfService(entry, number, e.Message);
                throw;
            }
            catch (ArgumentException e)
            {
                string reason = $"Version {number} of model '{entry.Id}' is unreadable: its weights do not fit the model's spec.";
                TakeOutOfService(entry, number, reason);
                throw new StoreException(StoreError.Corrupt, reason, e.Message, e);
            }
        });

    private void TakeOutOfService(ModelEntry entry, long number, string reason)
    {
        ServerLog.VersionUnavailable(logger, entry.Id, number, reason);
        if (!entry.MarkUnavailable(number, reason))
        {
            Forget(entry);
            ServerLog.ModelUnavailable(logger, entry.Id);
        }
    }

    /// <summary>Loads a version another server published, in the background, so the first call to it does not wait.</summary>
    private void Warm(ModelEntry entry, VersionRecord version) =>
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                Acquire(entry, version.Number);
            }
            catch (Exception e) when (e is StoreException)
            {
                // Logged and marked by Acquire; a call that asks for the version gets the status.
            }
        });
}
