namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The checkpoint's checksum does not match its contents, or its payload cannot be decoded into a
/// consistent checkpoint (bad lengths, unknown enum values, an invalid spec, parameter shapes that
/// disagree with the spec, trailing bytes).
/// </summary>
public sealed class CheckpointCorruptedException : CheckpointException
{
    /// <summary>Creates the exception; <paramref name="detail"/> says what was wrong.</summary>
    public CheckpointCorruptedException(string? path, string detail, Exception? innerException = null)
        : base($"{Describe(path)} is corrupted: {detail}", path, innerException) => Detail = detail;

    /// <summary>What was wrong, without the file name.</summary>
    public string Detail { get; }
}
