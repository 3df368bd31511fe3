using DropoutService.Server.Logging;

namespace DropoutService.Server.Storage.Directory;

/// <summary>
/// The writer's start-up sweep: what a writer killed mid-write leaves (checkpoint and marker temp
/// files, half-made <c>.creating-*</c> folders, <c>.deleted-*</c> tombstones) is removed before the
/// store is served, never shown as a version. Folders written before incarnations get a marker.
/// </summary>
internal static class DirectorySweeper
{
    public static void Sweep(string root, ILogger logger)
    {
        int removed = 0;
        foreach (var directory in System.IO.Directory.EnumerateDirectories(root))
        {
            string name = Path.GetFileName(directory);
            if (name.StartsWith(DirectoryLayout.CreatingPrefix, StringComparison.Ordinal) || name.StartsWith(DirectoryLayout.DeletedPrefix, StringComparison.Ordinal))
            {
                removed += TryDeleteTree(directory, logger) ? 1 : 0;
            }
        }
        foreach (string id in DirectoryLayout.ModelIds(root))
        {
            string directory = Path.Combine(root, id);
            foreach (string file in System.IO.Directory.EnumerateFiles(directory))
            {
                if (DirectoryLayout.IsTempFile(Path.GetFileName(file)))
                {
                    DirectoryLayout.TryDelete(file);
                    removed += File.Exists(file) ? 0 : 1;
                }
            }
            if (!File.Exists(Path.Combine(directory, DirectoryLayout.MarkerFile)))
            {
                AdoptLegacy(directory, logger);
            }
        }
        if (removed > 0)
        {
            ServerLog.StoreSwept(logger, removed);
        }
    }

    public static bool TryDeleteTree(string directory, ILogger? logger = null)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (logger is not null)
            {
                ServerLog.StoreCleanupFailed(logger, directory, e.Message);
            }
            return false;
        }
    }

    private static void AdoptLegacy(string directory, ILogger logger)
    {
        try
        {
            DirectoryLayout.WriteMarker(directory, Guid.NewGuid().ToString("N"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Served as the legacy incarnation; the next writer start tries again.
            ServerLog.StoreCleanupFailed(logger, directory, e.Message);
        }
    }
}
