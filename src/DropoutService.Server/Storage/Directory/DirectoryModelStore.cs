using DropoutService.Server.Datasets;
using System.Runtime.CompilerServices;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Storage.Directory;

/// <summary>
/// The embedded store: a directory with one folder per model and one immutable checkpoint file per
/// version (<see cref="DirectoryLayout"/>). Exactly one writer process per directory, enforced by
/// <see cref="DirectoryWriterLock"/>; any number of read-only followers poll it. The writer is the
/// only process that changes the directory, so it numbers versions and checks for existing names
/// without racing anyone (no reliance on a no-replace rename, which NFS/CephFS clients lack).
/// </summary>
public sealed class DirectoryModelStore : IModelStore
{
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DirectoryModelStore> _logger;
    private readonly Lock _openGate = new();
    private DirectoryWriterLock? _writerLock;
    private bool _opened;

    public DirectoryModelStore(IOptions<StoreOptions> options, TimeProvider time, ILogger<DirectoryModelStore> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Root = Path.GetFullPath(_options.Path);
    }

    public string Root { get; }

    public string Backend => StoreOptions.DirectoryBackend;

    public string Location => Root;

    public bool IsReadOnly => _options.ReadOnly;

    public void Open()
    {
        lock (_openGate)
        {
            if (_opened)
            {
                return;
            }
            if (!IsReadOnly)
            {
                try
                {
                    System.IO.Directory.CreateDirectory(Root);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new StoreException(StoreError.ReadOnly, $"The model store directory {Root} cannot be created: {e.Message}", e.Message, e);
                }
                _writerLock = DirectoryWriterLock.Acquire(Root, _time);
                DirectorySweeper.Sweep(Root, _logger);
            }
            _opened = true;
        }
    }

    public async IAsyncEnumerable<StoreChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return StoreChange.Everything;
        if (!IsReadOnly)
        {
            // The writer is the only process changing the directory: nothing else to watch.
            yield break;
        }
        var interval = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return StoreChange.Everything;
        }
    }

    public IReadOnlyList<StoredModel> ListModels()
    {
        var models = new List<StoredModel>();
        foreach (string id in Guard(() => DirectoryLayout.ModelIds(Root).ToList()))
        {
            if (FindModel(id) is { } model)
            {
                models.Add(model);
            }
        }
        return models;
    }

    public StoredModel? FindModel(string id)
    {
        string? incarnation = Guard(() => DirectoryLayout.ReadMarker(DirectoryLayout.ModelDirectory(Root, id)));
        return incarnation is null ? null : new StoredModel(id, incarnation);
    }

    public IEnumerable<StoredVersion> ReadVersions(StoredModel model, long after)
    {
        string directory = DirectoryLayout.ModelDirectory(Root, model.Id);
        foreach (var (number, path, isFile) in Guard(() => DirectoryLayout.VersionEntries(directory)))
        {
            if (number <= after)
            {
                continue;
            }
            if (!isFile)
            {
                yield return StoredVersion.Broken(number, $"{DirectoryLayout.VersionFileName(number)} is a directory, not a version file; its number is skipped");
                continue;
            }
            var (checkpoint, size, reason) = DirectoryCheckpoints.TryRead(path);
            if (checkpoint is null)
            {
                if (reason is null)
                {
                    continue; // removed while listing
                }
                ServerLog.CorruptVersion(_logger, model.Id, number, path, reason);
                yield return StoredVersion.Broken(number, reason);
                continue;
            }
            if (!BelongsTo(checkpoint, model))
            {
                // The folder was deleted and created again since the model was listed: the next
                // comparison sees the new incarnation.
                yield break;
            }
            yield return StoredVersion.Of(number, size, checkpoint, keepCheckpoint: true);
        }
    }

    public Checkpoint ReadCheckpoint(StoredModel model, long number)
    {
        string path = Path.Combine(DirectoryLayout.ModelDirectory(Root, model.Id), DirectoryLayout.VersionFileName(number));
        var (checkpoint, _, reason) = DirectoryCheckpoints.TryRead(path);
        if (checkpoint is null && reason is not null)
        {
            ServerLog.CorruptVersion(_logger, model.Id, number, path, reason);
            throw new StoreException(StoreError.Corrupt, $"Version {number} of model '{model.Id}' is unreadable: {reason}", path);
        }
        if (checkpoint is null || !BelongsTo(checkpoint, model))
        {
            throw new StoreException(StoreError.NotFound, $"Version {number} of model '{model.Id}' is gone from the store.", path);
        }
        return checkpoint;
    }

    public (StoredModel Model, StoredVersion Version) CreateModel(string id, Checkpoint first)
    {
        EnsureWritable();
        string directory = DirectoryLayout.ModelDirectory(Root, id);
        var model = new StoredModel(id, Guid.NewGuid().ToString("N"));
        var labelled = Label(first, model);
        if (System.IO.Directory.Exists(directory))
        {
            if (Guard(() => DirectoryLayout.VersionEntries(directory)).Any(e => e.IsFile && DirectoryCheckpoints.TryRead(e.Path).Checkpoint is not null))
            {
                throw new StoreException(StoreError.AlreadyExists, $"Model '{id}' already exists.");
            }
            // A folder with no readable version (only unreadable files, kept as they are): the new
            // incarnation takes it over and numbers its versions above those files.
            var version = Append(directory, model, labelled);
            try
            {
                DirectoryLayout.WriteMarker(directory, model.Incarnation);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DirectoryLayout.TryDelete(Path.Combine(directory, DirectoryLayout.VersionFileName(version.Number)));
                throw FileSystemErrors.ForWrite(e, $"model '{id}'");
            }
            return (model, version);
        }
        // A new folder is prepared under a hidden name and renamed into place: a follower (or a
        // restart) sees the whole model or nothing, and a failure leaves no folder behind.
        string staging = Path.Combine(Root, DirectoryLayout.CreatingPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            System.IO.Directory.CreateDirectory(staging);
            DirectoryLayout.WriteMarker(staging, model.Incarnation);
            string file = Path.Combine(staging, DirectoryLayout.VersionFileName(1));
            CheckpointFile.Save(file, labelled);
            long size = new FileInfo(file).Length;
            System.IO.Directory.Move(staging, directory);
            DurableFile.FlushDirectory(Root);
            return (model, StoredVersion.Of(1, size, labelled, keepCheckpoint: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DirectorySweeper.TryDeleteTree(staging);
            throw FileSystemErrors.ForWrite(e, $"model '{id}'");
        }
    }

    public StoredVersion AddVersion(StoredModel model, Checkpoint checkpoint, IModelWriterLock? writer)
    {
        EnsureWritable();
        string directory = DirectoryLayout.ModelDirectory(Root, model.Id);
        if (Guard(() => DirectoryLayout.ReadMarker(directory)) != model.Incarnation)
        {
            throw new StoreException(StoreError.NotFound, $"Model '{model.Id}' was deleted; nothing was published.");
        }
        return Append(directory, model, Label(checkpoint, model));
    }

    public void DeleteModel(StoredModel model)
    {
        EnsureWritable();
        string directory = DirectoryLayout.ModelDirectory(Root, model.Id);
        if (Guard(() => DirectoryLayout.ReadMarker(directory)) != model.Incarnation)
        {
            throw new StoreException(StoreError.NotFound, $"Model '{model.Id}' does not exist.");
        }
        // One rename takes the whole model out of the namespace: all or nothing. The files are then
        // removed from the hidden tombstone; whatever is left there is swept at the next start.
        string tombstone = Path.Combine(Root, DirectoryLayout.DeletedPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            System.IO.Directory.Move(directory, tombstone);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FileSystemErrors.ForWrite(e, $"the deletion of model '{model.Id}'");
        }
        DurableFile.FlushDirectory(Root);
        DirectorySweeper.TryDeleteTree(tombstone, _logger);
    }

    public IModelWriterLock? TryLockWriter(StoredModel model)
    {
        EnsureWritable();
        return new LocalWriterLock();
    }

    public void Dispose() => _writerLock?.Dispose();

    private StoredVersion Append(string directory, StoredModel model, Checkpoint checkpoint)
    {
        var entries = Guard(() => DirectoryLayout.VersionEntries(directory));
        long number = entries.Count == 0 ? 1 : entries[^1].Number + 1;
        string path = Path.Combine(directory, DirectoryLayout.VersionFileName(number));
        try
        {
            CheckpointFile.Save(path, checkpoint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(path))
            {
                // The file was renamed into place, then the directory flush failed. This process is
                // the only writer, so the file is ours: take it back, so that what the caller is told
                // (nothing published) is what a restart finds.
                DirectoryLayout.TryDelete(path);
                if (File.Exists(path))
                {
                    ServerLog.StoreCleanupFailed(_logger, path, e.Message);
                    return StoredVersion.Of(number, new FileInfo(path).Length, checkpoint, keepCheckpoint: false);
                }
            }
            if (!System.IO.Directory.Exists(directory))
            {
                throw new StoreException(StoreError.NotFound, $"Model '{model.Id}' was deleted; nothing was published.", e.Message, e);
            }
            throw FileSystemErrors.ForWrite(e, $"version {number} of model '{model.Id}'");
        }
        return StoredVersion.Of(number, new FileInfo(path).Length, checkpoint, keepCheckpoint: false);
    }

    private void EnsureWritable()
    {
        if (IsReadOnly)
        {
            throw new StoreException(StoreError.ReadOnly,
                "This server follows the model store read-only (Store:ReadOnly=true): send CreateModel, Train, ApplyGradients and DeleteModel to the store's writer.");
        }
    }

    private static bool BelongsTo(Checkpoint checkpoint, StoredModel model) =>
        !checkpoint.Metadata.Labels.TryGetValue(DirectoryLayout.IncarnationLabel, out var label) || label == model.Incarnation;

    private static Checkpoint Label(Checkpoint checkpoint, StoredModel model)
    {
        var labels = new Dictionary<string, string>(checkpoint.Metadata.Labels, StringComparer.Ordinal)
        {
            [DirectoryLayout.IncarnationLabel] = model.Incarnation,
        };
        return checkpoint with { Metadata = checkpoint.Metadata with { Labels = labels } };
    }

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreError.Unavailable, "The model store directory cannot be read now; see the server log.", e.Message, e);
        }
    }

    private sealed class LocalWriterLock : IModelWriterLock
    {
        private int _released;

        public bool IsHeld => Volatile.Read(ref _released) == 0;

        public void Dispose() => Volatile.Write(ref _released, 1);
    }
}
