using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>One model's batching settings (<c>Inference:Batching:Models:&lt;model-id&gt;</c>); unset fields keep the global value.</summary>
public sealed class BatchingOverride
{
    public bool? Enabled { get; set; }

    [Range(1, 1_000_000)]
    public int? MaxBatchRows { get; set; }

    [Range(0, 10_000_000)]
    public int? MaxQueueDelayMicroseconds { get; set; }

    [Range(1, 100_000_000)]
    public int? MaxQueuedRows { get; set; }

    [Range(1, 1024)]
    public int? MaxConcurrentBatches { get; set; }
}
