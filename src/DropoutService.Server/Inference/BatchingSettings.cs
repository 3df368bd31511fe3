using DropoutService.Server.Options;

namespace DropoutService.Server.Inference;

/// <summary>One model's batching settings: the global <c>Inference:Batching</c> values with that model's overrides applied.</summary>
public sealed record BatchingSettings(bool Enabled, int MaxBatchRows, TimeSpan MaxQueueDelay, int MaxQueuedRows, int MaxConcurrentBatches)
{
    /// <summary>The settings of models without an override.</summary>
    public static BatchingSettings Default(BatchingOptions options) => new(
        options.Enabled,
        options.MaxBatchRows,
        TimeSpan.FromMicroseconds(options.MaxQueueDelayMicroseconds),
        options.MaxQueuedRows,
        options.MaxConcurrentBatches);

    /// <summary>The settings of <paramref name="modelId"/>: the defaults with its override's fields applied.</summary>
    public static BatchingSettings For(BatchingOptions options, string modelId)
    {
        var defaults = Default(options);
        if (Override(options, modelId) is not { } o)
        {
            return defaults;
        }
        return new BatchingSettings(
            o.Enabled ?? defaults.Enabled,
            o.MaxBatchRows ?? defaults.MaxBatchRows,
            o.MaxQueueDelayMicroseconds is int us ? TimeSpan.FromMicroseconds(us) : defaults.MaxQueueDelay,
            o.MaxQueuedRows ?? defaults.MaxQueuedRows,
            o.MaxConcurrentBatches ?? defaults.MaxConcurrentBatches);
    }

    // Configuration keys keep the case they were written in (environment variables are often
    // upper case); model ids are lower case.
    private static BatchingOverride? Override(BatchingOptions options, string modelId)
    {
        foreach (var (id, o) in options.Models)
        {
            if (string.Equals(id, modelId, StringComparison.OrdinalIgnoreCase))
            {
                return o;
            }
        }
        return null;
    }
}
