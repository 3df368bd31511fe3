using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace DropoutService.Server.Observability;

/// <summary>
/// Per-RPC instruments, recorded for every finished call with its gRPC status (the HTTP-level
/// metrics of ASP.NET Core would count a NOT_FOUND as HTTP 200): the duration histogram (its
/// count is the call count per service, method and code), calls in flight, and auth failures.
/// </summary>
public sealed class RpcMetrics
{
    /// <summary>Bucket bounds of the duration histogram, seconds: sub-millisecond Predict up to long Train streams.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _authFailures;
    private readonly ConcurrentDictionary<string, (string Service, string Method)> _names = new(StringComparer.Ordinal);

    public RpcMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DropoutMeter.Name);
        _duration = meter.CreateHistogram<double>("dropout.rpc.server.duration", "s",
            "Duration of gRPC calls handled by the server, by service, method and gRPC status code.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _active = meter.CreateUpDownCounter<long>("dropout.rpc.server.active_calls", "{call}", "gRPC calls in progress.");
        _authFailures = meter.CreateCounter<long>("dropout.auth.failures", "{failure}",
            "Calls refused by authentication (UNAUTHENTICATED) or authorisation (PERMISSION_DENIED), by reason.");
    }

    public void CallStarted() => _active.Add(1);

    public void CallEnded() => _active.Add(-1);

    public void Record(string fullMethod, StatusCode code, double seconds)
    {
        if (!_duration.Enabled)
        {
            return;
        }
        var (service, method) = _names.GetOrAdd(fullMethod, RpcMethodName.Split);
        var tags = new TagList
        {
            { "grpc.service", service },
            { "grpc.method", method },
            { "grpc.code", GrpcCodeNames.Of(code) },
        };
        _duration.Record(seconds, tags);
    }

    public void AuthFailed(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
