using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>
/// The dynamic batcher's settings for every model (<c>Inference:Batching</c>), and per-model
/// overrides keyed by model id (<c>Inference:Batching:Models:&lt;model-id&gt;:MaxBatchRows</c>...)
/// whose unset fields keep these values.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>Stack concurrent requests into one forward pass. Off: every call runs on its own, as before batching existed.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most rows stacked into one batch; a request with more rows runs on its own.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchRows { get; set; } = 64;

    /// <summary>
    /// How long a batch may wait for more requests before it runs, in microseconds. 0 (the
    /// default): only what is already waiting when the engine frees up joins, so a lone caller
    /// never waits.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxQueueDelayMicroseconds { get; set; }

    /// <summary>Most rows waiting in one queue (a model version's eval queue, or its queue for one mc_samples value); beyond it RESOURCE_EXHAUSTED.</summary>
    [Range(1, 100_000_000)]
    public int MaxQueuedRows { get; set; } = 8192;

    /// <summary>Batches of one queue that may run at once (Triton's instance count).</summary>
    [Range(1, 1024)]
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Overrides by model id.</summary>
    public Dictionary<string, BatchingOverride> Models { get; set; } = [];
}
