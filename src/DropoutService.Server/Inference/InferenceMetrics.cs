using System.Diagnostics.Metrics;
using DropoutService.Server.Resources;

namespace DropoutService.Server.Inference;

/// <summary>The dynamic batcher's instruments on the service meter.</summary>
public sealed class InferenceMetrics
{
    private static readonly KeyValuePair<string, object?> s_eval = new("dropout.inference.kind", "eval");
    private static readonly KeyValuePair<string, object?> s_monteCarlo = new("dropout.inference.kind", "monte_carlo");
    private static readonly KeyValuePair<string, object?> s_forward = new("dropout.inference.kind", "forward");

    private readonly Histogram<int> _batchRows;
    private readonly Histogram<int> _batchRequests;
    private readonly Histogram<double> _queueDelay;

    public InferenceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceMeter.Name);
        _batchRows = meter.CreateHistogram("dropout.inference.batch.size", "{row}",
            "Rows in each forward pass of the dynamic batcher (one request alone is a batch of its rows).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096] });
        _batchRequests = meter.CreateHistogram("dropout.inference.batch.requests", "{request}",
            "Requests stacked into each batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _queueDelay = meter.CreateHistogram("dropout.inference.queue.delay", "s",
            "Time a batched request waited in its queue before its batch started.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    }

    internal void BatchStarted(WorkKind kind, int rows, int requests)
    {
        var tag = Tag(kind);
        _batchRows.Record(rows, tag);
        _batchRequests.Record(requests, tag);
    }

    internal void QueueDelay(WorkKind kind, TimeSpan delay) => _queueDelay.Record(delay.TotalSeconds, Tag(kind));

    private static KeyValuePair<string, object?> Tag(WorkKind kind) => kind switch
    {
        WorkKind.MonteCarlo => s_monteCarlo,
        WorkKind.Forward => s_forward,
        _ => s_eval,
    };
}
