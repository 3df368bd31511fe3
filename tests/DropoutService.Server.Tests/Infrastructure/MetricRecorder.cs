using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>Records the measurements one test server makes on an instrument of the service meter (its IMeterFactory scope only).</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, string? Kind)> _values = new();

    public MetricRecorder(ServerHost server, string instrument)
    {
        var scope = server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Name == instrument && ReferenceEquals(i.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, v, tags, _) => Add(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, _) => Add(v, tags));
        _listener.Start();
    }

    /// <summary>Every value recorded so far, in order, with its <c>dropout.inference.kind</c> tag.</summary>
    public IReadOnlyList<(double Value, string? Kind)> Values => _values.ToArray();

    public void Dispose() => _listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? kind = null;
        foreach (var t in tags)
        {
            if (t.Key == "dropout.inference.kind")
            {
                kind = t.Value as string;
            }
        }
        _values.Enqueue((value, kind));
    }
}
