using System.Runtime.InteropServices;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The two file-system operations an atomic, durable publish needs beyond what System.IO offers
/// reliably: a rename that never replaces its target, and an fsync of a directory. Both go to libc
/// on Linux; elsewhere they fall back to <see cref="File.Move(string, string, bool)"/> and a no-op.
/// </summary>
internal static partial class DurableFileSystem
{
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint RenameNoReplace = 1;      // RENAME_NOREPLACE
    private const int ReadOnly = 0;              // O_RDONLY
    private const int ErrorExists = 17;          // EEXIST
    private const int ErrorInvalid = 22;         // EINVAL
    private const int ErrorNoSystemCall = 38;    // ENOSYS
    private const int ErrorNotSupported = 95;    // EOPNOTSUPP

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/>, throwing
    /// <see cref="IOException"/> if the destination exists. On Linux this is renameat2 with
    /// RENAME_NOREPLACE, atomic against a concurrent creator of the destination; File.Move without
    /// overwrite is not (.NET checks for the destination, then calls rename(2), which replaces).
    /// </summary>
    public static void MoveNoReplace(string source, string destination)
    {
        if (OperatingSystem.IsLinux())
        {
            int result;
            try
            {
                result = RenameAt2(AtCurrentDirectory, source, AtCurrentDirectory, destination, RenameNoReplace);
            }
            catch (EntryPointNotFoundException)
            {
                result = -1; // a libc older than glibc 2.28: fall back below
                Marshal.SetLastPInvokeError(ErrorNoSystemCall);
            }
            if (result == 0)
            {
                return;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ErrorExists)
            {
                throw AlreadyExists(destination);
            }
            if (errno is not (ErrorInvalid or ErrorNoSystemCall or ErrorNotSupported))
            {
                throw new IOException($"Could not rename '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
            // The kernel or file system has no RENAME_NOREPLACE: best effort below.
        }
        try
        {
            File.Move(source, destination, overwrite: false);
        }
        catch (IOException) when (File.Exists(destination))
        {
            throw AlreadyExists(destination);
        }
    }

    /// <summary>
    /// Flushes a directory's entries to disk, so that a file just renamed into it survives a power
    /// loss. Linux only (no-op elsewhere). File.OpenHandle refuses directories, hence libc.
    /// Throws <see cref="IOException"/> if the directory cannot be opened or flushed; a file system
    /// that does not support fsync on directories (EINVAL) is accepted.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
        try
        {
            if (FSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != ErrorInvalid)
                {
                    throw new IOException($"Could not flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException AlreadyExists(string path) =>
        new($"'{path}' already exists; checkpoint files are immutable and never overwritten.");

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
