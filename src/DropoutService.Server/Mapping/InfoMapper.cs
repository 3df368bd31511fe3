using ApiBatchingSettings = DropoutService.Api.V1.BatchingSettings;
using BatchingSettings = DropoutService.Server.Inference.BatchingSettings;

namespace DropoutService.Server.Mapping;

/// <summary>Server settings to the GetServerInfo messages.</summary>
public static class InfoMapper
{
    public static ApiBatchingSettings ToApi(BatchingSettings settings) => new()
    {
        Enabled = settings.Enabled,
        MaxBatchRows = settings.MaxBatchRows,
        MaxQueueDelayUs = (long)settings.MaxQueueDelay.TotalMicroseconds,
        MaxQueuedRows = settings.MaxQueuedRows,
        MaxConcurrentBatches = settings.MaxConcurrentBatches,
    };
}
