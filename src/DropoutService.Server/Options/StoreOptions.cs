using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>The on-disk model store (configuration section <c>Store</c>).</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>Directory holding one folder per model; created when missing. Relative paths are relative to the working directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "./data";

    /// <summary>Idle model replicas kept per loaded version for concurrent Predict/Forward calls.</summary>
    [Range(1, 1024)]
    public int ReplicasPerVersion { get; set; } = 16;

    /// <summary>Seconds between rescans of the store for versions written by other replicas; 0 = never (single writer).</summary>
    [Range(0, 86400)]
    public int RescanIntervalSeconds { get; set; }
}
