using DropoutService.Engine.Checkpoints;

namespace DropoutService.Server.Storage.Directory;

/// <summary>Reads a version file into memory and decodes it there, so that failure reasons never carry the store's path.</summary>
internal static class DirectoryCheckpoints
{
    /// <summary>The format's own ceiling: a whole checkpoint fits in one array.</summary>
    private const long MaxFileBytes = int.MaxValue - 64;

    /// <summary>The checkpoint and its size; or null with the reason (path-free) it is unreadable; or null and no reason when the file is gone.</summary>
    public static (Checkpoint? Checkpoint, long Size, string? Reason) TryRead(string path)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            long length = stream.Length;
            if (length > MaxFileBytes)
            {
                return (null, length, $"the file has {length} bytes, more than a checkpoint can");
            }
            bytes = new byte[length];
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, 0, null);
        }
        catch (UnauthorizedAccessException e)
        {
            return (null, 0, $"the file cannot be read: {FileSystemErrors.WithoutPath(e.Message, path)}");
        }
        catch (IOException e)
        {
            return (null, 0, $"the file cannot be read: {FileSystemErrors.WithoutPath(e.Message, path)}");
        }
        try
        {
            var checkpoint = CheckpointFile.Deserialize(bytes);
            return (checkpoint, bytes.Length, null);
        }
        catch (CheckpointException e)
        {
            return (null, bytes.Length, e.Message);
        }
    }
}
