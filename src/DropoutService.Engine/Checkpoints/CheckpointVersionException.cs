namespace DropoutService.Engine.Checkpoints;

/// <summary>The checkpoint has a format version this build cannot read (written by a newer build).</summary>
public sealed class CheckpointVersionException : CheckpointException
{
    /// <summary>Creates the exception for <paramref name="foundVersion"/> when this build reads <paramref name="supportedVersion"/>.</summary>
    public CheckpointVersionException(string? path, uint foundVersion, uint supportedVersion)
        : base(foundVersion > supportedVersion
            ? $"{Describe(path)} has format version {foundVersion}, newer than the newest version {supportedVersion} this build reads; upgrade the service to load it."
            : $"{Describe(path)} has format version {foundVersion}, which was never a valid version; this build reads versions {CheckpointFile.OldestFormatVersion} to {supportedVersion}.", path)
    {
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The version in the file.</summary>
    public uint FoundVersion { get; }

    /// <summary>The newest version this build reads.</summary>
    public uint SupportedVersion { get; }
}
