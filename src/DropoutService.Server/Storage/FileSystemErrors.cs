namespace DropoutService.Server.Storage;

/// <summary>
/// Classifies file-system failures by errno. .NET on Unix puts the raw errno in an
/// <see cref="IOException"/>'s HResult; the engine's libc calls name it in the message ("(errno 28)").
/// </summary>
public static class FileSystemErrors
{
    private const int NoSpace = 28;        // ENOSPC
    private const int ReadOnlyFs = 30;     // EROFS
    private const int QuotaExceeded = 122; // EDQUOT

    public static bool IsFull(Exception e) => HasErrno(e, NoSpace) || HasErrno(e, QuotaExceeded);

    public static bool IsReadOnly(Exception e) => e is UnauthorizedAccessException || HasErrno(e, ReadOnlyFs);

    /// <summary>A write failure as a <see cref="StoreException"/>: full, not writable, or unavailable; <paramref name="what"/> names the model (never a path).</summary>
    public static StoreException ForWrite(Exception e, string what) =>
        IsFull(e) ? new StoreException(StoreError.Full, $"The model store is full: {what} was not written; nothing was published.", e.Message, e)
        : IsReadOnly(e) ? new StoreException(StoreError.ReadOnly, $"The model store is not writable (read-only file system or permissions): {what} was not written; nothing was changed.", e.Message, e)
        : new StoreException(StoreError.Unavailable, $"The model store failed to write {what}; nothing was published. See the server log.", e.Message, e);

    /// <summary>An exception message with the store's paths replaced by the file name, for messages that may reach a client.</summary>
    public static string WithoutPath(string message, string path) =>
        message.Replace(path, Path.GetFileName(path), StringComparison.Ordinal);

    private static bool HasErrno(Exception e, int errno) =>
        e is IOException && (e.HResult == errno || e.Message.Contains($"(errno {errno})", StringComparison.Ordinal));
}
