namespace DropoutService.Engine.Checkpoints;

/// <summary>The file does not start with the checkpoint magic: it is not a checkpoint at all.</summary>
public sealed class CheckpointFormatException : CheckpointException
{
    /// <summary>Creates the exception; <paramref name="foundMagic"/> is a printable rendering of the first bytes.</summary>
    public CheckpointFormatException(string? path, string foundMagic, string expectedMagic)
        : base($"{Describe(path)} is not a checkpoint: it starts with {foundMagic}, a checkpoint starts with {expectedMagic}.", path)
    {
    }
}
