using System.ComponentModel.DataAnnotations;
using DropoutService.Engine.Models;

namespace DropoutService.Server.Options;

/// <summary>Limits enforced on requests (configuration section <c>Limits</c>); exceeding one gives RESOURCE_EXHAUSTED.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request or response message, bytes.</summary>
    [Range(4096, int.MaxValue)]
    public int MaxMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most rows in one Predict/Forward/Backward batch.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchRows { get; set; } = 4096;

    /// <summary>Most trainable scalars in one model.</summary>
    [Range(1, 2_000_000_000)]
    public long MaxParametersPerModel { get; set; } = 20_000_000;

    /// <summary>Most layers in one model spec, checked before the layers are read (at most the engine's 1024).</summary>
    [Range(1, ModelSpecLimits.LayerCap)]
    public int MaxLayers { get; set; } = ModelSpecLimits.LayerCap;

    /// <summary>Most models in the store.</summary>
    [Range(1, 1_000_000)]
    public int MaxModels { get; set; } = 1000;

    /// <summary>Most Train calls running at once over all models.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentTrainings { get; set; } = 2;

    /// <summary>Largest mc_samples of one Predict call.</summary>
    [Range(1, 100_000)]
    public int MaxMcSamples { get; set; } = 1000;

    /// <summary>Largest dataset (inline or uploaded), bytes of float32/int32 data.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDatasetBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Uploaded datasets held in memory at once; the oldest is evicted beyond this.</summary>
    [Range(1, 10_000)]
    public int MaxUploadedDatasets { get; set; } = 8;

    /// <summary>Most epochs of one Train call.</summary>
    [Range(1, 10_000_000)]
    public int MaxEpochs { get; set; } = 10_000;

    /// <summary>The limits the engine validates specs against.</summary>
    public ModelSpecLimits SpecLimits() => new() { MaxLayers = MaxLayers, MaxParameters = MaxParametersPerModel };
}
