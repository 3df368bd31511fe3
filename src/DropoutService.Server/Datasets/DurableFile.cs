using System.Runtime.InteropServices;

namespace DropoutService.Server.Datasets;

/// <summary>
/// Atomic, durable file writes for the dataset and job stores: temp file in the same directory,
/// flushed to disk, renamed over the target, directory flushed (so the rename survives a power loss).
/// Temp files are named <c>.{name}.{guid}.tmp</c> and swept at start-up.
/// </summary>
public static partial class DurableFile
{
    public static string TempPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    public static bool IsTemp(string path) => Path.GetFileName(path) is { } name && name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, replacing it atomically.</summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        string temp = TempPath(path);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            Commit(temp, path, replace: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            // A full or read-only store is the caller's answer (RESOURCE_EXHAUSTED, FAILED_PRECONDITION), not INTERNAL.
            throw Storage.FileSystemErrors.ForWrite(e, $"the file {Path.GetFileName(path)}");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Renames a flushed temp file to <paramref name="path"/> and flushes the directory.</summary>
    public static void Commit(string temp, string path, bool replace)
    {
        File.Move(temp, path, overwrite: replace);
        FlushDirectory(Path.GetDirectoryName(path)!);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Swept at the next start.
        }
    }

    /// <summary>Removes temp files of dead writers under <paramref name="directory"/> (recursively); returns how many.</summary>
    public static int SweepTemps(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp", SearchOption.AllDirectories))
        {
            TryDelete(file);
            removed++;
        }
        return removed;
    }

    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        int fd = Open(directory, 0);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = FSync(fd);
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
