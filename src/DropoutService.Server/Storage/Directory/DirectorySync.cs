using System.Runtime.InteropServices;

namespace DropoutService.Server.Storage.Directory;

/// <summary>
/// fsync of a directory, so that a folder renamed into it (a created or deleted model) survives a
/// power loss. Linux only (a no-op elsewhere); .NET cannot open a directory handle, hence libc.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;     // O_RDONLY
    private const int Invalid = 22;     // EINVAL: the file system cannot fsync directories

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
        }
        try
        {
            if (FSync(fd) != 0 && Marshal.GetLastPInvokeError() is int errno && errno != Invalid)
            {
                throw new IOException($"Could not flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
