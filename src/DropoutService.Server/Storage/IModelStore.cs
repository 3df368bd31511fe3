using DropoutService.Engine.Checkpoints;

namespace DropoutService.Server.Storage;

/// <summary>
/// Where models and their immutable versions live. Two backends implement it: the directory store
/// (one writer process per directory, read-only followers that poll) and PostgreSQL (many writer
/// replicas, a change feed by LISTEN/NOTIFY). The registry above it keeps the in-memory catalogue,
/// the loaded-version cache and the per-model writer slot; nothing here knows gRPC.
/// <para>
/// Every method may throw <see cref="StoreException"/>; I/O and database failures are translated
/// into its <see cref="StoreError"/> kinds, never leaked as provider exceptions. Version numbers
/// are assigned by the store, increase per model incarnation and are never reused.
/// </para>
/// </summary>
public interface IModelStore : IDisposable
{
    /// <summary>"directory", "postgres".</summary>
    string Backend { get; }

    /// <summary>Where the store is (a directory or host/database), for the server log only: never in a client-visible message.</summary>
    string Location { get; }

    /// <summary>True when this process must not write (a directory follower, or <c>Store:ReadOnly</c>).</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// Claims what this process needs before it may start: the directory writer's exclusive lock
    /// (throws <see cref="StoreError.Locked"/> naming the holder) and its start-up sweep. Cheap and
    /// idempotent; reaching a database is <see cref="WatchAsync"/>'s job, retried until it works.
    /// </summary>
    void Open();

    /// <summary>
    /// The change feed: yields <see cref="StoreChange.Everything"/> first (and again after every
    /// reconnection, when changes may have been missed), then the ids of models that changed.
    /// Throws <see cref="StoreError.Unavailable"/> when the store is lost; the caller retries.
    /// </summary>
    IAsyncEnumerable<StoreChange> WatchAsync(CancellationToken cancellationToken);

    /// <summary>Every model in the store, by id, with its incarnation.</summary>
    IReadOnlyList<StoredModel> ListModels();

    /// <summary>The model with this id, or null.</summary>
    StoredModel? FindModel(string id);

    /// <summary>
    /// Versions of <paramref name="model"/> numbered above <paramref name="after"/>, ascending,
    /// unreadable ones included (with their reason). Streams: at most one decoded checkpoint is
    /// held at a time by the store.
    /// </summary>
    IEnumerable<StoredVersion> ReadVersions(StoredModel model, long after);

    /// <summary>The checkpoint of one version; <see cref="StoreError.NotFound"/> when it is gone, <see cref="StoreError.Corrupt"/> when unreadable.</summary>
    Checkpoint ReadCheckpoint(StoredModel model, long number);

    /// <summary>Creates a new incarnation of <paramref name="id"/> with <paramref name="first"/> as its first version, atomically; <see cref="StoreError.AlreadyExists"/> when the id is taken.</summary>
    (StoredModel Model, StoredVersion Version) CreateModel(string id, Checkpoint first);

    /// <summary>
    /// Appends a version to <paramref name="model"/> under the next number, atomically: either it
    /// is complete and visible or nothing is. <see cref="StoreError.NotFound"/> when the model (this
    /// incarnation) is gone; with <paramref name="writer"/>, <see cref="StoreError.Unavailable"/>
    /// when that writer lock has been lost.
    /// </summary>
    StoredVersion AddVersion(StoredModel model, Checkpoint checkpoint, IModelWriterLock? writer);

    /// <summary>Deletes the model with every version, all or nothing; <see cref="StoreError.NotFound"/> when already gone.</summary>
    void DeleteModel(StoredModel model);

    /// <summary>
    /// The model's writer lock, exclusive across every process on this store, or null when another
    /// holder has it. The directory writer is the only process writing, so its locks are local.
    /// </summary>
    IModelWriterLock? TryLockWriter(StoredModel model);
}
