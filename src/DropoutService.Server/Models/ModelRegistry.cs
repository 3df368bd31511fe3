using System.Globalization;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Errors;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// The models the server serves, as the use cases see them: get, resolve a version to its weights,
/// create, delete, publish. Versions are immutable; publishing appends a complete version
/// atomically. The <see cref="ModelCatalogue"/> keeps the entries equal to the <see cref="IModelStore"/>;
/// the <see cref="VersionCache"/> holds loaded weights within a byte budget.
/// </summary>
public sealed class ModelRegistry(
    IModelStore store,
    ModelCatalogue catalogue,
    VersionCache cache,
    TimeProvider time,
    IOptions<StoreOptions> storeOptions,
    IOptions<LimitsOptions> limits,
    ILogger<ModelRegistry> logger)
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _unavailable;

    /// <summary>True once the store has been read completely at least once.</summary>
    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    /// <summary>Loaded and the store reachable: what health reports as SERVING.</summary>
    public bool IsServing => IsLoaded && _unavailable is null;

    /// <summary>Why the store cannot be used now (for the log and health), or null.</summary>
    public string? UnavailableReason => _unavailable;

    public int Count => catalogue.Count;

    /// <summary>Waits for the first load; UNAVAILABLE at once when it has failed (the store is being retried).</summary>
    public async Task WaitLoadedAsync(CancellationToken cancellationToken)
    {
        if (IsLoaded)
        {
            return;
        }
        if (_unavailable is { } reason)
        {
            throw ServiceException.Unavailable($"The model store is not loaded yet: {reason}");
        }
        await _loaded.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Applies one change the store reported; the first complete comparison makes the registry loaded.</summary>
    public void Apply(StoreChange change)
    {
        if (change.ModelId is { } id)
        {
            catalogue.Refresh(id);
            return;
        }
        bool first = !IsLoaded;
        long start = time.GetTimestamp();
        if (first)
        {
            ServerLog.StoreLoading(logger, store.Backend, store.Location);
        }
        var (models, versions, corrupt) = catalogue.Synchronize();
        if (first)
        {
            ServerLog.StoreLoaded(logger, models, versions, corrupt, (long)time.GetElapsedTime(start).TotalMilliseconds);
        }
        if (_unavailable is not null)
        {
            ServerLog.StoreRecovered(logger, store.Backend, store.Location);
            _unavailable = null;
        }
        _loaded.TrySetResult();
    }

    /// <summary>The store was lost: health turns NOT_SERVING; cached versions keep serving; store calls fail on their own.</summary>
    public void MarkUnavailable(StoreException failure)
    {
        if (_unavailable is null)
        {
            ServerLog.StoreUnavailable(logger, store.Backend, store.Location, failure.Detail ?? failure.Message);
        }
        _unavailable = failure.Message;
    }

    public ModelEntry Get(string id) =>
        catalogue.TryGet(ModelId.Validate(id)) ?? throw ServiceException.NotFound($"Model '{id}' does not exist.");

    public IReadOnlyList<ModelEntry> List() => catalogue.All();

    /// <summary>The version (0 = latest) and its weights.</summary>
    public (VersionRecord Record, LoadedVersion Loaded) Resolve(string id, long version, string versionField = "version")
    {
        var entry = Get(id);
        if (version < 0)
        {
            throw new RequestValidationException(versionField, $"must be 0 (latest) or a version number, got {version}");
        }
        var record = version == 0 ? entry.Latest : entry.Find(version)
            ?? throw ServiceException.NotFound(entry.Corrupt.FirstOrDefault(c => c.Number == version) is { } corrupt
                ? $"Model '{id}' version {version} is not available: {corrupt.Reason}"
                : $"Model '{id}' has no version {version} (latest is {entry.Latest.Number}).");
        return (record, catalogue.Acquire(entry, record.Number));
    }

    public ModelEntry Create(string id, ModelSpec spec)
    {
        long parameters = CountParameters(spec);
        if (parameters > limits.Value.MaxParametersPerModel)
        {
            throw ServiceException.ResourceExhausted($"The model has {parameters} parameters; the limit is {limits.Value.MaxParametersPerModel} (Limits:MaxParametersPerModel).");
        }
        lock (catalogue.Gate)
        {
            if (catalogue.TryGet(id) is not null)
            {
                throw ServiceException.AlreadyExists($"Model '{id}' already exists.");
            }
            if (catalogue.Count >= limits.Value.MaxModels)
            {
                throw ServiceException.ResourceExhausted($"The store holds {catalogue.Count} models; the limit is {limits.Value.MaxModels} (Limits:MaxModels).");
            }
            var model = Model.Create(spec);
            var checkpoint = Stamp(model, null, VersionSource.Created, 0, new TrainingMetadata());
            var (stored, version) = store.CreateModel(id, checkpoint);
            var entry = new ModelEntry(stored, spec, model.ParameterCount, model.OutputSize, store, catalogue.CatchUpLocked);
            entry.Append(VersionRecord.From(version));
            cache.Put(ModelCatalogue.Key(entry, version.Number), new LoadedVersion(model, null, storeOptions.Value.ReplicasPerVersion));
            catalogue.Add(entry);
            ServerLog.VersionPublished(logger, id, version.Number, VersionSource.Created.ToString());
            return entry;
        }
    }

    /// <summary>Deletes the model and every version, all or nothing; FAILED_PRECONDITION while it has a writer anywhere.</summary>
    public void Delete(string id)
    {
        var entry = Get(id);
        if (!entry.TryBeginWrite())
        {
            throw ServiceException.FailedPrecondition($"Model '{id}' is being trained; cancel the training first.");
        }
        try
        {
            lock (catalogue.Gate)
            {
                lock (entry.PublishGate)
                {
                    try
                    {
                        store.DeleteModel(entry.Stored);
                    }
                    catch (StoreException e) when (e.Error == StoreError.NotFound)
                    {
                        catalogue.Forget(entry); // deleted by another server meanwhile
                        throw;
                    }
                    // Any other failure changed nothing: the model stays, here and in the store.
                    catalogue.Forget(entry);
                }
            }
        }
        finally
        {
            entry.EndWrite();
        }
    }

    /// <summary>Writes <paramref name="model"/> as the next version and makes it the latest; the model must not change afterwards.</summary>
    public VersionRecord Publish(ModelEntry entry, Model model, OptimizerState? optimizer, VersionSource source, long parent, TrainingMetadata metadata)
    {
        lock (entry.PublishGate)
        {
            if (entry.Deleted)
            {
                throw ServiceException.NotFound($"Model '{entry.Id}' was deleted.");
            }
            var checkpoint = Stamp(model, optimizer, source, parent, metadata);
            StoredVersion version;
            try
            {
                version = store.AddVersion(entry.Stored, checkpoint, entry.Writer);
            }
            catch (StoreException e) when (e.Error == StoreError.NotFound)
            {
                catalogue.Forget(entry);
                throw;
            }
            if (version.Number == entry.HighestNumber + 1)
            {
                entry.Append(VersionRecord.From(version));
            }
            else
            {
                // Numbers in between (another server's, or names in the way) are listed first, in order.
                catalogue.CatchUp(entry);
            }
            cache.Put(ModelCatalogue.Key(entry, version.Number), new LoadedVersion(model, optimizer, storeOptions.Value.ReplicasPerVersion));
            ServerLog.VersionPublished(logger, entry.Id, version.Number, source.ToString());
            return entry.Find(version.Number) ?? VersionRecord.From(version);
        }
    }

    /// <summary>Trainable scalars of a valid spec, counted by the engine from each layer type's declared parameters.</summary>
    public static long CountParameters(ModelSpec spec) => ModelLayout.For(spec).ParameterCount;

    private TrainingMetadata Stamp(TrainingMetadata metadata, VersionSource source, long parent) =>
        metadata with
        {
            CreatedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Labels = new Dictionary<string, string>(metadata.Labels, StringComparer.Ordinal)
            {
                [VersionRecord.Labels.Source] = source.ToString(),
                [VersionRecord.Labels.Parent] = parent.ToString(CultureInfo.InvariantCulture),
            },
        };

    private Checkpoint Stamp(Model model, OptimizerState? optimizer, VersionSource source, long parent, TrainingMetadata metadata) =>
        Checkpoint.FromModel(model, optimizer, Stamp(metadata, source, parent));
}
