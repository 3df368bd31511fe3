using System.Diagnostics.Metrics;
using DropoutService.Api.V1;
using Grpc.Core;

namespace DropoutService.Server.Observability;

/// <summary>
/// Work done by successful inference calls, read from their requests when they complete:
/// predictions (Predict calls, eval or Monte-Carlo), rows, and Monte-Carlo samples drawn.
/// </summary>
public sealed class InferenceMetrics
{
    private readonly Counter<long> _predictions;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _mcSamples;

    public InferenceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DropoutMeter.Name);
        _predictions = meter.CreateCounter<long>("dropout.inference.predictions", "{call}", "Successful Predict calls, by mode (eval or mc_dropout).");
        _rows = meter.CreateCounter<long>("dropout.inference.rows", "{row}", "Input rows processed by successful Predict, Forward and Backward calls.");
        _mcSamples = meter.CreateCounter<long>("dropout.inference.mc_samples", "{sample}", "Monte-Carlo dropout samples drawn by successful Predict calls.");
    }

    /// <summary>Counts a finished call's work when it succeeded and its request is an inference request.</summary>
    public void Observe(object? request, StatusCode code)
    {
        if (code != StatusCode.OK)
        {
            return;
        }
        switch (request)
        {
            case PredictRequest p:
                bool mc = p.McSamples > 0;
                _predictions.Add(1, new KeyValuePair<string, object?>("mode", mc ? "mc_dropout" : "eval"));
                AddRows("Predict", p.Inputs);
                if (mc)
                {
                    _mcSamples.Add(p.McSamples);
                }
                break;
            case ForwardRequest f:
                AddRows("Forward", f.Inputs);
                break;
            case BackwardRequest b:
                AddRows("Backward", b.Inputs);
                break;
        }
    }

    private void AddRows(string method, Tensor? inputs)
    {
        if (inputs is { Shape.Count: > 0 } && _rows.Enabled)
        {
            _rows.Add(inputs.Shape[0], new KeyValuePair<string, object?>("grpc.method", method));
        }
    }
}
