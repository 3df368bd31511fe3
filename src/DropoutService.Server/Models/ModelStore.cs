using System.Globalization;
using System.Text.RegularExpressions;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// The on-disk layout: <c>{root}/{model id}/v{number:D6}.ckpt</c>, one immutable checksummed
/// checkpoint per version, written atomically by the engine's <see cref="CheckpointFile"/>.
/// Every path is built from an id that <see cref="ModelId"/> has already accepted.
/// </summary>
public sealed partial class ModelStore
{
    public ModelStore(IOptions<StoreOptions> options)
    {
        Root = Path.GetFullPath(options.Value.Path);
    }

    public string Root { get; }

    public void EnsureRoot() => Directory.CreateDirectory(Root);

    /// <summary>Folders whose names are valid model ids (anything else in the root is ignored).</summary>
    public IEnumerable<string> ModelIds() =>
        Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(ModelId.IsValid).Order(StringComparer.Ordinal)!;

    public string ModelDirectory(string id)
    {
        if (!ModelId.IsValid(id))
        {
            throw new ArgumentException("Invalid model id.", nameof(id));
        }
        return Path.Combine(Root, id);
    }

    public string VersionPath(string id, long number) =>
        Path.Combine(ModelDirectory(id), string.Create(CultureInfo.InvariantCulture, $"v{number:D6}.ckpt"));

    /// <summary>Version files of a model by number, ascending (temporary files are not versions).</summary>
    public IReadOnlyList<(long Number, string Path)> VersionFiles(string id)
    {
        string dir = ModelDirectory(id);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        var result = new List<(long, string)>();
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var m = VersionFile().Match(Path.GetFileName(file));
            if (m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                result.Add((n, file));
            }
        }
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    public Checkpoint Load(string path) => CheckpointFile.Load(path);

    /// <summary>Writes a new version file; never replaces an existing file.</summary>
    public (string Path, long Size) Save(string id, long number, Checkpoint checkpoint)
    {
        Directory.CreateDirectory(ModelDirectory(id));
        string path = VersionPath(id, number);
        if (File.Exists(path))
        {
            throw new IOException($"Version file {path} already exists; versions are never overwritten.");
        }
        CheckpointFile.Save(path, checkpoint);
        return (path, new FileInfo(path).Length);
    }

    /// <summary>Removes a model's folder with every version file in it.</summary>
    public void Delete(string id)
    {
        string dir = ModelDirectory(id);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex(@"^v(\d{1,18})\.ckpt\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionFile();
}
