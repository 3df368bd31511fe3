using DropoutService.Server.Datasets;
using System.Globalization;
using System.Text.RegularExpressions;
using DropoutService.Server.Models;

namespace DropoutService.Server.Storage.Directory;

/// <summary>
/// The directory store's names: <c>{root}/{model id}/v{number:D6}.ckpt</c> per version and
/// <c>{root}/{model id}/.incarnation</c> naming the model's incarnation. Everything else the store
/// writes starts with a dot (<c>.store.lock</c>, <c>.creating-*</c>, <c>.deleted-*</c>, temp
/// files), outside the model-id namespace; so are other features' folders (<c>_datasets</c>, <c>_jobs</c>).
/// </summary>
internal static partial class DirectoryLayout
{
    public const string MarkerFile = ".incarnation";

    /// <summary>The incarnation of a folder written before incarnations existed (and not yet adopted by a writer).</summary>
    public const string Legacy = "legacy";

    /// <summary>The checkpoint label that ties a version file to its incarnation.</summary>
    public const string IncarnationLabel = "incarnation";

    public const string CreatingPrefix = ".creating-";
    public const string DeletedPrefix = ".deleted-";

    public static string ModelDirectory(string root, string id) =>
        ModelId.IsValid(id) ? Path.Combine(root, id) : throw new ArgumentException("Invalid model id.", nameof(id));

    public static string VersionFileName(long number) => string.Create(CultureInfo.InvariantCulture, $"v{number:D6}.ckpt");

    /// <summary>Model folders (names that are valid model ids), ordinal order; none when the root does not exist.</summary>
    public static IEnumerable<string> ModelIds(string root) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.EnumerateDirectories(root).Select(Path.GetFileName).Where(ModelId.IsValid).Order(StringComparer.Ordinal)!
            : [];

    /// <summary>
    /// Entries named like version files, files or not, ascending. A directory in the way of a
    /// number is an entry too: publishing numbers above it instead of failing on it.
    /// </summary>
    public static List<(long Number, string Path, bool IsFile)> VersionEntries(string directory)
    {
        var result = new List<(long, string, bool)>();
        if (!System.IO.Directory.Exists(directory))
        {
            return result;
        }
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var m = VersionName().Match(entry.Name);
            if (m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                result.Add((n, entry.FullName, entry is FileInfo));
            }
        }
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>The folder's incarnation: its marker, <see cref="Legacy"/> without one, null when the folder is gone.</summary>
    public static string? ReadMarker(string directory)
    {
        try
        {
            string text = File.ReadAllText(Path.Combine(directory, MarkerFile)).Trim();
            return text.Length > 0 ? text : Legacy;
        }
        catch (FileNotFoundException)
        {
            return System.IO.Directory.Exists(directory) ? Legacy : null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the marker atomically (temp file, flush, rename over the old one, directory flush).</summary>
    public static void WriteMarker(string directory, string incarnation)
    {
        string temp = Path.Combine(directory, $"{MarkerFile}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(incarnation + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path.Combine(directory, MarkerFile), overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        DurableFile.FlushDirectory(directory);
    }

    /// <summary>Temp files a dead writer may leave in a model folder: the engine's checkpoint temps and marker temps.</summary>
    public static bool IsTempFile(string name) => TempName().IsMatch(name);

    public static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the start-up sweep removes what is left.
        }
    }

    [GeneratedRegex(@"^v(\d{1,18})\.ckpt\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionName();

    [GeneratedRegex(@"^\.(v\d{1,18}\.ckpt|incarnation)\.[0-9a-f]{32}\.tmp\z", RegexOptions.CultureInvariant)]
    private static partial Regex TempName();
}
