using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DropoutService.Server.Options;

/// <summary>The Prometheus scrape endpoint (section <c>Metrics</c>): plain HTTP/1.1 on its own port, never the gRPC port.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>TCP port of the scrape endpoint; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9464;

    /// <summary>IP address of the scrape endpoint; empty = the gRPC endpoint's address.</summary>
    public string Address { get; set; } = "";

    /// <summary>Path of the scrape endpoint.</summary>
    public string Path { get; set; } = "/metrics";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Address) && !IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult($"Metrics:Address '{Address}' is not an IP address.", [nameof(Address)]);
        }
        if (!Path.StartsWith('/'))
        {
            yield return new ValidationResult($"Metrics:Path '{Path}' must start with '/'.", [nameof(Path)]);
        }
    }
}
