namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// A checkpoint that cannot be read. Derives from <see cref="IOException"/> because it describes
/// bad file contents, so a caller that already handles I/O failures while loading a store (skip the
/// version, report it) handles these too; the subclasses say what exactly was wrong.
/// </summary>
public abstract class CheckpointException : IOException
{
    /// <summary>Creates the exception; <paramref name="path"/> is null when the bytes did not come from a file.</summary>
    protected CheckpointException(string message, string? path, Exception? innerException = null)
        : base(message, innerException) => FilePath = path;

    /// <summary>The file the checkpoint was read from, or null when it was decoded from memory.</summary>
    public string? FilePath { get; }

    /// <summary>"Checkpoint '/path'", or "Checkpoint" when there is no file: the subject of every message.</summary>
    internal static string Describe(string? path) => path is null ? "Checkpoint" : $"Checkpoint '{path}'";
}
