using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Errors;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// The models the server serves: loaded from the store at start, then kept in step with it.
/// Versions are immutable; publishing appends a complete version atomically.
/// </summary>
public sealed class ModelRegistry
{
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _createGate = new();
    private readonly ModelStore _store;
    private readonly StoreOptions _storeOptions;
    private readonly LimitsOptions _limits;
    private readonly ILogger<ModelRegistry> _logger;

    public ModelRegistry(ModelStore store, IOptions<StoreOptions> storeOptions, IOptions<LimitsOptions> limits, ILogger<ModelRegistry> logger)
    {
        _store = store;
        _storeOptions = storeOptions.Value;
        _limits = limits.Value;
        _logger = logger;
    }

    public bool IsLoaded => _loaded.Task.IsCompletedSuccessfully;

    public int Count => _models.Count;

    public string StorePath => _store.Root;

    public async Task WaitLoadedAsync(CancellationToken cancellationToken)
    {
        if (IsLoaded)
        {
            return;
        }
        try
        {
            await _loaded.Task.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw ServiceException.Unavailable("The model store could not be loaded; see the server log.");
        }
    }

    /// <summary>Scans the whole store. A corrupt file is logged and skipped; nothing here is fatal per file.</summary>
    public void Load()
    {
        var clock = Stopwatch.StartNew();
        ServerLog.StoreLoading(_logger, _store.Root);
        try
        {
            _store.EnsureRoot();
            int versions = 0, corrupt = 0;
            foreach (var id in _store.ModelIds())
            {
                var entry = LoadModel(id);
                if (entry is null)
                {
                    continue;
                }
                versions += entry.Versions.Length;
                corrupt += entry.Corrupt.Length;
                _models[id] = entry;
            }
            ServerLog.StoreLoaded(_logger, _models.Count, versions, corrupt, clock.ElapsedMilliseconds);
            _loaded.TrySetResult();
        }
        catch (Exception e)
        {
            ServerLog.StoreLoadFailed(_logger, _store.Root, e);
            _loaded.TrySetException(e);
        }
    }

    /// <summary>Picks up versions and models written by other replicas sharing the store.</summary>
    public int Rescan()
    {
        int added = 0;
        foreach (var id in _store.ModelIds())
        {
            if (!_models.TryGetValue(id, out var entry))
            {
                var loaded = LoadModel(id);
                if (loaded is not null && _models.TryAdd(id, loaded))
                {
                    added += loaded.Versions.Length;
                }
                continue;
            }
            lock (entry.PublishGate)
            {
                foreach (var (number, path) in _store.VersionFiles(id))
                {
                    if (number <= entry.HighestNumber)
                    {
                        continue;
                    }
                    if (TryLoadFile(entry.Id, number, path, out var checkpoint, out var reason))
                    {
                        entry.Append(Record(number, path, checkpoint!, Loaded(checkpoint!)));
                        added++;
                    }
                    else
                    {
                        AddCorrupt(entry, number, path, reason!);
                    }
                }
            }
        }
        foreach (var (id, entry) in _models)
        {
            if (!Directory.Exists(_store.ModelDirectory(id)) && !entry.IsWriting)
            {
                entry.Deleted = true;
                _models.TryRemove(id, out _);
            }
        }
        if (added > 0)
        {
            ServerLog.Rescanned(_logger, added);
        }
        return added;
    }

    public ModelEntry Get(string id) =>
        _models.TryGetValue(ModelId.Validate(id), out var entry) ? entry : throw ServiceException.NotFound($"Model '{id}' does not exist.");

    public IReadOnlyList<ModelEntry> List() => _models.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();

    /// <summary>The version (0 = latest) and its weights.</summary>
    public (VersionRecord Record, LoadedVersion Loaded) Resolve(string id, long version, string versionField = "version")
    {
        var entry = Get(id);
        if (version < 0)
        {
            throw new RequestValidationException(versionField, $"must be 0 (latest) or a version number, got {version}");
        }
        var record = version == 0 ? entry.Latest : entry.Find(version)
            ?? throw ServiceException.NotFound($"Model '{id}' has no version {version} (latest is {entry.Latest.Number}).");
        return (record, record.Acquire(LoadRecord));
    }

    public ModelEntry Create(string id, ModelSpec spec)
    {
        long parameters = CountParameters(spec);
        if (parameters > _limits.MaxParametersPerModel)
        {
            throw ServiceException.ResourceExhausted($"The model has {parameters} parameters; the limit is {_limits.MaxParametersPerModel} (Limits:MaxParametersPerModel).");
        }
        lock (_createGate)
        {
            if (_models.ContainsKey(id))
            {
                throw ServiceException.AlreadyExists($"Model '{id}' already exists.");
            }
            if (_models.Count >= _limits.MaxModels)
            {
                throw ServiceException.ResourceExhausted($"The store holds {_models.Count} models; the limit is {_limits.MaxModels} (Limits:MaxModels).");
            }
            var model = Model.Create(spec);
            var entry = new ModelEntry(id, spec, model.ParameterCount, model.OutputSize);
            // A folder left with only corrupt files keeps them: the new model numbers above them.
            foreach (var (number, _) in _store.VersionFiles(id))
            {
                entry.HighestNumber = Math.Max(entry.HighestNumber, number);
            }
            PublishLocked(entry, model, null, VersionSource.Created, 0, new TrainingMetadata());
            _models[id] = entry;
            return entry;
        }
    }

    public void Delete(string id)
    {
        var entry = Get(id);
        if (!entry.TryBeginWrite())
        {
            throw ServiceException.FailedPrecondition($"Model '{id}' is being trained; cancel the training first.");
        }
        lock (entry.PublishGate)
        {
            entry.Deleted = true;
            _models.TryRemove(id, out _);
            _store.Delete(id);
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
            return PublishLocked(entry, model, optimizer, source, parent, metadata);
        }
    }

    /// <summary>Trainable scalars of a valid spec, counted by the engine from each layer type's declared parameters.</summary>
    public static long CountParameters(ModelSpec spec) => ModelLayout.For(spec).ParameterCount;

    private VersionRecord PublishLocked(ModelEntry entry, Model model, OptimizerState? optimizer, VersionSource source, long parent, TrainingMetadata metadata)
    {
        foreach (var (n, _) in _store.VersionFiles(entry.Id))
        {
            entry.HighestNumber = Math.Max(entry.HighestNumber, n);
        }
        var labels = new Dictionary<string, string>(metadata.Labels, StringComparer.Ordinal)
        {
            [VersionRecord.Labels.Source] = source.ToString(),
            [VersionRecord.Labels.Parent] = parent.ToString(CultureInfo.InvariantCulture),
        };
        var stamped = metadata with { CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Labels = labels };
        var checkpoint = Checkpoint.FromModel(model, optimizer, stamped);
        long number = entry.HighestNumber + 1;
        string path;
        long size;
        while (true)
        {
            try
            {
                (path, size) = _store.Save(entry.Id, number, checkpoint);
                break;
            }
            catch (IOException) when (File.Exists(_store.VersionPath(entry.Id, number)))
            {
                // Another replica sharing the store took this number: files are never replaced, take the next.
                number++;
            }
        }
        var record = new VersionRecord(number, path, size, stamped, optimizer?.Kind,
            new LoadedVersion(model, optimizer, _storeOptions.ReplicasPerVersion));
        entry.Append(record);
        ServerLog.VersionPublished(_logger, entry.Id, number, source.ToString());
        return record;
    }

    private ModelEntry? LoadModel(string id)
    {
        ModelEntry? entry = null;
        var pendingCorrupt = new List<(long, string, string)>();
        Checkpoint? latest = null;
        var records = new List<(long Number, string Path, Checkpoint Checkpoint)>();
        long highest = 0;
        foreach (var (number, path) in _store.VersionFiles(id))
        {
            highest = Math.Max(highest, number);
            if (TryLoadFile(id, number, path, out var checkpoint, out var reason))
            {
                records.Add((number, path, checkpoint!));
                latest = checkpoint;
            }
            else
            {
                pendingCorrupt.Add((number, path, reason!));
            }
        }
        if (latest is null)
        {
            foreach (var (number, path, reason) in pendingCorrupt)
            {
                ServerLog.CorruptVersion(_logger, id, number, path, reason);
            }
            ServerLog.ModelUnavailable(_logger, id);
            return null;
        }
        var prototype = latest.CreateModel();
        entry = new ModelEntry(id, latest.Spec, prototype.ParameterCount, prototype.OutputSize) { HighestNumber = highest };
        foreach (var (number, path, reason) in pendingCorrupt)
        {
            AddCorrupt(entry, number, path, reason);
        }
        for (int i = 0; i < records.Count; i++)
        {
            var (number, path, checkpoint) = records[i];
            bool isLatest = i == records.Count - 1;
            entry.Append(Record(number, path, checkpoint, isLatest ? new LoadedVersion(prototype, checkpoint.Optimizer, _storeOptions.ReplicasPerVersion) : null));
        }
        return entry;
    }

    private void AddCorrupt(ModelEntry entry, long number, string path, string reason)
    {
        ServerLog.CorruptVersion(_logger, entry.Id, number, path, reason);
        entry.AddCorrupt(new CorruptVersion(number, path, reason));
    }

    private bool TryLoadFile(string id, long number, string path, out Checkpoint? checkpoint, out string? reason)
    {
        try
        {
            checkpoint = _store.Load(path);
            // Building the model proves the weights fit the spec.
            _ = checkpoint.CreateModel();
            reason = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException or OverflowException)
        {
            checkpoint = null;
            reason = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    private VersionRecord Record(long number, string path, Checkpoint checkpoint, LoadedVersion? loaded) =>
        new(number, path, new FileInfo(path).Length, checkpoint.Metadata, checkpoint.Optimizer?.Kind, loaded);

    private LoadedVersion Loaded(Checkpoint checkpoint) => new(checkpoint.CreateModel(), checkpoint.Optimizer, _storeOptions.ReplicasPerVersion);

    private LoadedVersion LoadRecord(VersionRecord record)
    {
        var checkpoint = _store.Load(record.FilePath);
        return Loaded(checkpoint);
    }
}
