namespace DropoutService.Engine.Checkpoints;

/// <summary>The checkpoint is shorter than its header says it should be (an interrupted copy or write).</summary>
public sealed class CheckpointTruncatedException : CheckpointException
{
    /// <summary>Creates the exception for a checkpoint of <paramref name="actualLength"/> bytes that needs <paramref name="expectedLength"/>.</summary>
    public CheckpointTruncatedException(string? path, long actualLength, long expectedLength, string what)
        : base($"{Describe(path)} is truncated: it has {actualLength} bytes, {what} needs {expectedLength}.", path)
    {
        ActualLength = actualLength;
        ExpectedLength = expectedLength;
    }

    /// <summary>Bytes present.</summary>
    public long ActualLength { get; }

    /// <summary>Bytes needed (at least this many, when the header itself is incomplete).</summary>
    public long ExpectedLength { get; }
}
