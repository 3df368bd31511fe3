using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>OpenTelemetry protocol export (section <c>Otlp</c>) of metrics and traces to a collector; off while Endpoint is empty.</summary>
public sealed class OtlpOptions : IValidatableObject
{
    public const string Section = "Otlp";

    /// <summary>Collector URL: <c>http://otel-collector:4317</c> (gRPC), or the base <c>http://otel-collector:4318</c> (HTTP; the signal paths are appended).</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = "grpc";

    public bool ExportMetrics { get; set; } = true;

    public bool ExportTraces { get; set; } = true;

    /// <summary>Interval of the periodic metrics export.</summary>
    [Range(1000, 3_600_000)]
    public int MetricsIntervalMilliseconds { get; set; } = 15000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"Otlp:Endpoint '{Endpoint}' is not an absolute URL.", [nameof(Endpoint)]);
        }
        if (Protocol is not ("grpc" or "http/protobuf"))
        {
            yield return new ValidationResult($"Otlp:Protocol '{Protocol}' must be grpc or http/protobuf.", [nameof(Protocol)]);
        }
    }
}
