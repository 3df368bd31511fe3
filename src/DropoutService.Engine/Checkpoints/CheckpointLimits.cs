namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Sanity maxima the decoder enforces before allocating anything a length or count asks for, and
/// the encoder enforces before writing, so that every file Save writes can be loaded again.
/// Array sizes have no fixed maximum: they are bounded by the bytes actually left in the payload.
/// </summary>
internal static class CheckpointLimits
{
    /// <summary>Layers in a spec.</summary>
    public const int MaxLayers = Models.ModelSpecLimits.LayerCap;

    /// <summary>UTF-8 bytes in one string (parameter and buffer names, label keys and values).</summary>
    public const int MaxStringBytes = 64 * 1024;

    /// <summary>Named optimizer buffers.</summary>
    public const int MaxOptimizerBuffers = 64 * 1024;

    /// <summary>Metadata labels.</summary>
    public const int MaxLabels = 1024;
}
