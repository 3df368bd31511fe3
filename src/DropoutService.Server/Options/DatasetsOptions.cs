using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>Stored datasets (configuration section <c>Datasets</c>); each dataset is also bounded by Limits:MaxDatasetBytes.</summary>
public sealed class DatasetsOptions
{
    public const string Section = "Datasets";

    /// <summary>Most stored datasets; UploadDataset beyond it gets RESOURCE_EXHAUSTED (delete some first).</summary>
    [Range(1, 1_000_000)]
    public int MaxStoredDatasets { get; set; } = 100;

    /// <summary>Most bytes of all stored dataset files together.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxStoreBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>An UploadDataset stream that sends nothing for this long ends with DEADLINE_EXCEEDED and its partial data is discarded.</summary>
    [Range(1, 86400)]
    public int UploadIdleTimeoutSeconds { get; set; } = 60;
}
