using System.Globalization;

namespace DropoutService.Server.Storage.Directory;

/// <summary>
/// The one-writer-per-directory rule: an exclusive lock on <c>{root}/.store.lock</c> held for the
/// process's lifetime (.NET takes flock(LOCK_EX | LOCK_NB) for <see cref="FileShare.None"/>; the
/// kernel drops it when the process dies, even by SIGKILL). Who holds it is written beside it, in
/// <c>{root}/.store.writer</c>, so a second writer can name the holder. Both names start with a dot,
/// outside the model-id namespace.
/// </summary>
internal sealed class DirectoryWriterLock : IDisposable
{
    public const string LockFile = ".store.lock";
    public const string HolderFile = ".store.writer";

    private readonly FileStream _lock;

    private DirectoryWriterLock(FileStream @lock) => _lock = @lock;

    /// <summary>Takes the lock or throws <see cref="StoreError.Locked"/> naming the holder.</summary>
    public static DirectoryWriterLock Acquire(string root, TimeProvider time)
    {
        string lockPath = Path.Combine(root, LockFile);
        string holderPath = Path.Combine(root, HolderFile);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (!FileSystemErrors.IsFull(e) && File.Exists(lockPath))
        {
            throw new StoreException(StoreError.Locked,
                $"The model store {root} is already open for writing by {Holder(holderPath)}. Exactly one writer may use a store directory: " +
                "stop that server, or start this one as a read-only follower (Store:ReadOnly=true).", e.Message, e);
        }
        string holder = string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on host {Environment.MachineName} since {time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}");
        File.WriteAllText(holderPath, holder + "\n");
        return new DirectoryWriterLock(stream);
    }

    public void Dispose() => _lock.Dispose();

    private static string Holder(string holderPath)
    {
        try
        {
            string text = File.ReadAllText(holderPath).Trim();
            return text.Length is > 0 and < 300 ? text : "another process";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }
}
