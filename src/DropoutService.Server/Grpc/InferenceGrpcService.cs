using DropoutService.Api.V1;
using DropoutService.Engine.Losses;
using DropoutService.Server.Errors;
using DropoutService.Server.Mapping;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using Grpc.Core;
using Microsoft.Extensions.Options;
using EngineMonteCarlo = DropoutService.Engine.Models.MonteCarlo;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;
using ForwardPass = DropoutService.Engine.Layers.ForwardPass;
using EngineMode = DropoutService.Engine.Layers.ForwardMode;

namespace DropoutService.Server.Grpc;

/// <summary>dropout.v1.InferenceService: every call rents a replica of an immutable version.</summary>
public sealed class InferenceGrpcService(ModelRegistry registry, IOptions<LimitsOptions> limits) : InferenceService.InferenceServiceBase
{
    public override Task<PredictResponse> Predict(PredictRequest request, ServerCallContext context)
    {
        var (record, loaded) = Resolve(request.ModelId, request.Version, context);
        var prototype = loaded.Prototype;
        var v = new Violations();
        CheckRows(request.Inputs, "inputs");
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", prototype.InputShape, v);
        v.Check(request.McSamples >= 0, "mc_samples", $"must be 0 (evaluation) or a number of Monte-Carlo samples, got {request.McSamples}");
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        v.ThrowIfAny();
        if (request.McSamples > limits.Value.MaxMcSamples)
        {
            throw ServiceException.ResourceExhausted($"mc_samples {request.McSamples} exceeds the limit {limits.Value.MaxMcSamples} (Limits:MaxMcSamples).");
        }
        var encoding = request.OutputEncoding;
        int rows = inputs!.Rows, outputs = prototype.OutputSize;
        bool classifier = prototype.Spec.IsClassifier;
        var response = new PredictResponse { Version = record.Number };
        var replica = loaded.Pool.Rent();
        try
        {
            if (request.McSamples == 0)
            {
                var logits = replica.Predict(inputs);
                response.Outputs = TensorMapper.FromEngine(logits, encoding);
                if (classifier)
                {
                    var probabilities = new float[logits.Length];
                    Softmax.Rows(logits.Span, probabilities, outputs);
                    response.Probabilities = TensorMapper.FromEngine(probabilities, rows, outputs, encoding);
                    AddClassIds(response, probabilities, rows, outputs);
                }
            }
            else
            {
                var mc = EngineMonteCarlo.Predict(replica, inputs, request.McSamples, request.Seed);
                response.StandardDeviation = TensorMapper.FromEngine(mc.StandardDeviation, encoding);
                if (classifier)
                {
                    response.Probabilities = TensorMapper.FromEngine(mc.Mean, encoding);
                    AddClassIds(response, mc.Mean.Span, rows, outputs);
                    if (mc.PredictiveEntropy is not null)
                    {
                        response.PredictiveEntropy.AddRange(mc.PredictiveEntropy);
                    }
                }
                else
                {
                    response.Outputs = TensorMapper.FromEngine(mc.Mean, encoding);
                }
            }
        }
        finally
        {
            loaded.Pool.Return(replica);
        }
        return Task.FromResult(response);
    }

    public override Task<ForwardResponse> Forward(ForwardRequest request, ServerCallContext context)
    {
        var (record, loaded) = Resolve(request.ModelId, request.Version, context);
        var v = new Violations();
        CheckRows(request.Inputs, "inputs");
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", loaded.Prototype.InputShape, v);
        var pass = new ForwardPass(MapMode(request.Mode, "mode", v), request.Seed, 0);
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        v.ThrowIfAny();
        var response = new ForwardResponse { Version = record.Number };
        var replica = loaded.Pool.Rent();
        try
        {
            var x = inputs!;
            foreach (var layer in replica.Layers)
            {
                x = layer.Forward(x, pass);
                if (request.IncludeActivations)
                {
                    response.Activations.Add(new LayerActivation { Layer = layer.Name, Output = TensorMapper.FromEngine(x, request.OutputEncoding) });
                }
            }
            response.Outputs = TensorMapper.FromEngine(x, request.OutputEncoding);
        }
        finally
        {
            loaded.Pool.Return(replica);
        }
        return Task.FromResult(response);
    }

    public override Task<BackwardResponse> Backward(BackwardRequest request, ServerCallContext context)
    {
        var (record, loaded) = Resolve(request.ModelId, request.Version, context);
        var prototype = loaded.Prototype;
        var v = new Violations();
        CheckRows(request.Inputs, "inputs");
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", prototype.InputShape, v);
        var pass = new ForwardPass(MapMode(request.Mode, "mode", v), request.Seed, 0);
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        EngineTensor? outputGradients = null;
        Targets? targets = null;
        if (inputs is not null)
        {
            switch (request.UpstreamCase)
            {
                case BackwardRequest.UpstreamOneofCase.OutputGradients:
                    outputGradients = TensorMapper.ToEngine(request.OutputGradients, "output_gradients", prototype.OutputSize, v);
                    if (outputGradients is not null)
                    {
                        v.Check(outputGradients.Rows == inputs.Rows, "output_gradients.shape", $"shape mismatch: needs {inputs.Rows} rows (one per input row), got {outputGradients.Rows}");
                    }
                    break;
                case BackwardRequest.UpstreamOneofCase.Targets:
                    var (ids, values) = TargetsMapper.ToEngine(request.Targets.ClassIds, request.Targets.Values, inputs.Rows, prototype.Spec, prototype.OutputSize,
                        "targets.class_ids", "targets.values", v);
                    if (ids is not null || values is not null)
                    {
                        targets = TargetsMapper.ToTargets(ids, values);
                    }
                    break;
                default:
                    v.Add("upstream", "is required: set output_gradients or targets");
                    break;
            }
        }
        v.ThrowIfAny();
        var encoding = request.OutputEncoding;
        var response = new BackwardResponse { Version = record.Number };
        var replica = loaded.Pool.Rent();
        try
        {
            var outputs = replica.Forward(inputs!, pass);
            response.Outputs = TensorMapper.FromEngine(outputs, encoding);
            if (targets is not null)
            {
                outputGradients = new EngineTensor(outputs.Rows, outputs.Columns);
                response.Loss = replica.Loss.Compute(outputs, targets, outputGradients);
            }
            var inputGradients = replica.Backward(outputGradients!);
            response.InputGradients = TensorMapper.FromEngine(inputGradients, encoding);
            foreach (var p in replica.Parameters)
            {
                response.ParameterGradients.Add(new ParameterGradient { Layer = p.LayerName, Name = p.Name, Gradient = TensorMapper.FromEngine(p.Gradient, encoding) });
            }
        }
        finally
        {
            loaded.Pool.Return(replica);
        }
        return Task.FromResult(response);
    }

    internal static EngineMode MapMode(Api.V1.ForwardMode mode, string field, Violations v)
    {
        switch (mode)
        {
            case Api.V1.ForwardMode.Unspecified or Api.V1.ForwardMode.Eval:
                return EngineMode.Eval;
            case Api.V1.ForwardMode.Train:
                return EngineMode.Train;
            case Api.V1.ForwardMode.McDropout:
                return EngineMode.McDropout;
            default:
                v.Add(field, $"unknown forward mode {(int)mode}");
                return EngineMode.Eval;
        }
    }

    private (VersionRecord, LoadedVersion) Resolve(string modelId, long version, ServerCallContext context)
    {
        context.Annotate(modelId);
        var resolved = registry.Resolve(modelId, version);
        context.Annotate(modelId, resolved.Record.Number);
        return resolved;
    }

    private void CheckRows(Api.V1.Tensor? tensor, string field)
    {
        if (tensor is not null && tensor.Shape.Count >= 2 && tensor.Shape[0] > limits.Value.MaxBatchRows)
        {
            throw ServiceException.ResourceExhausted($"{field} has {tensor.Shape[0]} rows; the limit is {limits.Value.MaxBatchRows} (Limits:MaxBatchRows).");
        }
    }

    private static void CheckEncoding(TensorEncoding encoding, string field, Violations v) =>
        v.Check(Enum.IsDefined(encoding), field, $"unknown tensor encoding {(int)encoding}");

    private static void AddClassIds(PredictResponse response, ReadOnlySpan<float> probabilities, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = probabilities.Slice(r * columns, columns);
            int best = 0;
            for (int c = 1; c < columns; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            response.ClassIds.Add(best);
        }
    }
}
