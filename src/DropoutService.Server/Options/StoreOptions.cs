using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>The model store (configuration section <c>Store</c>): which backend, where, and the loaded-version cache.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string Section = "Store";

    public const string DirectoryBackend = "directory";
    public const string PostgresBackend = "postgres";

    /// <summary><c>directory</c> (embedded, one writer process per directory) or <c>postgres</c> (many writer replicas).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Backend { get; set; } = DirectoryBackend;

    /// <summary>Directory backend: the folder holding one folder per model; created when missing. Relative paths are relative to the working directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "./data";

    /// <summary>
    /// Never write: a directory follower (no writer lock; polls the directory every
    /// <see cref="PollIntervalSeconds"/>), or a read-only PostgreSQL replica. Writes answer FAILED_PRECONDITION.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>Directory followers: seconds between polls of the store for models and versions the writer published or deleted.</summary>
    [Range(1, 86400)]
    public int PollIntervalSeconds { get; set; } = 2;

    /// <summary>PostgreSQL backend: an Npgsql connection string (<c>Host=db;Database=dropout;Username=dropout;Password=...</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>PostgreSQL backend: a file holding the connection string (a mounted secret); used when <see cref="ConnectionString"/> is empty.</summary>
    public string? ConnectionStringFile { get; set; }

    /// <summary>Idle model replicas kept per loaded version for concurrent Predict/Forward calls.</summary>
    [Range(1, 1024)]
    public int ReplicasPerVersion { get; set; } = 16;

    /// <summary>Bytes of weights and optimizer state kept loaded over all versions; the least recently used versions are evicted beyond it and reloaded on demand.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long CacheBytes { get; set; } = 2L << 30;

    public bool IsPostgres => string.Equals(Backend, PostgresBackend, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Backend, DirectoryBackend, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            yield return new ValidationResult($"Store:Backend '{Backend}' is not '{DirectoryBackend}' or '{PostgresBackend}'.", [nameof(Backend)]);
        }
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(ConnectionStringFile))
        {
            yield return new ValidationResult("Store:Backend is 'postgres' but neither Store:ConnectionString nor Store:ConnectionStringFile is set.", [nameof(ConnectionString)]);
        }
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString) && !string.IsNullOrWhiteSpace(ConnectionStringFile) && !File.Exists(ConnectionStringFile))
        {
            yield return new ValidationResult($"Store:ConnectionStringFile '{ConnectionStringFile}' does not exist.", [nameof(ConnectionStringFile)]);
        }
    }
}
