using DropoutService.Server.Grpc;
using DropoutService.Server.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DropoutService.Server.Observability;

/// <summary>
/// OpenTelemetry: the <see cref="DropoutMeter.Name"/> meter, the runtime's own meter (GC, thread
/// pool, memory) and Kestrel's connection meter, exported to the Prometheus scrape endpoint
/// and/or OTLP; a span per call from ASP.NET Core's activity (W3C trace context from the caller),
/// exported over OTLP when configured, and always current so every log event carries its trace id.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Meters exported besides our own: .NET runtime metrics and Kestrel connections.</summary>
    public static readonly string[] ExportedMeters = [DropoutMeter.Name, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel"];

    public static IServiceCollection AddDropoutTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<RpcMetrics>();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<CallRecorder>();

        var metrics = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        var otlp = configuration.GetSection(OtlpOptions.Section).Get<OtlpOptions>() ?? new OtlpOptions();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("dropoutservice", serviceVersion: ModelGrpcService.ServerVersion));
        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource("Microsoft.AspNetCore", DropoutMeter.Name);
            if (otlp.Enabled && otlp.ExportTraces)
            {
                tracing.AddOtlpExporter(o => ConfigureOtlp(o, otlp, "v1/traces"));
            }
        });
        bool prometheus = metrics.Enabled;
        bool otlpMetrics = otlp.Enabled && otlp.ExportMetrics;
        if (prometheus || otlpMetrics)
        {
            telemetry.WithMetrics(m =>
            {
                m.AddMeter(ExportedMeters);
                if (prometheus)
                {
                    m.AddPrometheusExporter(o =>
                    {
                        o.ScrapeEndpointPath = metrics.Path;
                        // A scrape reads the current values; no stale cached page between scrapes.
                        o.ScrapeResponseCacheDurationMilliseconds = 0;
                    });
                }
                if (otlpMetrics)
                {
                    m.AddOtlpExporter((o, reader) =>
                    {
                        ConfigureOtlp(o, otlp, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = otlp.MetricsIntervalMilliseconds;
                    });
                }
            });
        }
        return services;
    }

    /// <summary>
    /// gRPC: the collector's address. HTTP: the base URL, to which the signal's path is appended
    /// (an endpoint set in code is used as is by the exporter, so we add <c>v1/metrics</c> or <c>v1/traces</c>).
    /// </summary>
    private static void ConfigureOtlp(OtlpExporterOptions o, OtlpOptions otlp, string signalPath)
    {
        bool http = otlp.Protocol == "http/protobuf";
        o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        o.Endpoint = http ? new Uri(otlp.Endpoint!.TrimEnd('/') + "/" + signalPath) : new Uri(otlp.Endpoint!);
    }
}
