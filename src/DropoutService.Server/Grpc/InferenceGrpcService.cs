using DropoutService.Api.V1;
using DropoutService.Engine.Losses;
using DropoutService.Server.Errors;
using DropoutService.Server.Inference;
using DropoutService.Server.Mapping;
using DropoutService.Server.Options;
using Grpc.Core;
using Microsoft.Extensions.Options;
using EngineMode = DropoutService.Engine.Layers.ForwardMode;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;

namespace DropoutService.Server.Grpc;

/// <summary>dropout.v1.InferenceService: validate, map, call the <see cref="Predictor"/>, map back.</summary>
public sealed class InferenceGrpcService(Predictor predictor, IOptions<LimitsOptions> limits) : InferenceService.InferenceServiceBase
{
    public override async Task<PredictResponse> Predict(PredictRequest request, ServerCallContext context)
    {
        var target = Resolve(request.ModelId, request.Version, context);
        CheckRows(request.Inputs, "inputs");
        var v = new Violations();
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", target.InputShape, v);
        v.Check(request.McSamples >= 0, "mc_samples", $"must be 0 (evaluation) or a number of Monte-Carlo samples, got {request.McSamples}");
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        v.ThrowIfAny();
        var prediction = await predictor.PredictAsync(target, inputs!, request.McSamples, request.Seed, context.CancellationToken);
        return InferenceMapper.ToApi(prediction, request.OutputEncoding);
    }

    public override async Task<ForwardResponse> Forward(ForwardRequest request, ServerCallContext context)
    {
        var target = Resolve(request.ModelId, request.Version, context);
        CheckRows(request.Inputs, "inputs");
        var v = new Violations();
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", target.InputShape, v);
        var mode = MapMode(request.Mode, "mode", v);
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        v.ThrowIfAny();
        var result = await predictor.ForwardAsync(target, inputs!, mode, request.Seed, request.IncludeActivations, context.CancellationToken);
        return InferenceMapper.ToApi(result, request.OutputEncoding);
    }

    public override Task<BackwardResponse> Backward(BackwardRequest request, ServerCallContext context)
    {
        var target = Resolve(request.ModelId, request.Version, context);
        CheckRows(request.Inputs, "inputs");
        var v = new Violations();
        var inputs = TensorMapper.ToEngine(request.Inputs, "inputs", target.InputShape, v);
        var mode = MapMode(request.Mode, "mode", v);
        CheckEncoding(request.OutputEncoding, "output_encoding", v);
        EngineTensor? outputGradients = null;
        Targets? targets = null;
        if (inputs is not null)
        {
            switch (request.UpstreamCase)
            {
                case BackwardRequest.UpstreamOneofCase.OutputGradients:
                    outputGradients = TensorMapper.ToEngine(request.OutputGradients, "output_gradients", target.OutputSize, v);
                    if (outputGradients is not null)
                    {
                        v.Check(outputGradients.Rows == inputs.Rows, "output_gradients.shape", $"shape mismatch: needs {inputs.Rows} rows (one per input row), got {outputGradients.Rows}");
                    }
                    break;
                case BackwardRequest.UpstreamOneofCase.Targets:
                    var (ids, values) = TargetsMapper.ToEngine(request.Targets.ClassIds, request.Targets.Values, inputs.Rows, target.Spec, target.OutputSize,
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
        var result = predictor.Backward(target, inputs!, mode, request.Seed, outputGradients, targets, context.CancellationToken);
        return Task.FromResult(InferenceMapper.ToApi(result, request.OutputEncoding));
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

    private InferenceTarget Resolve(string modelId, long version, ServerCallContext context)
    {
        context.Annotate(modelId);
        var target = predictor.Resolve(modelId, version);
        context.Annotate(modelId, target.Version);
        return target;
    }

    // Before mapping, so an oversized batch is refused without allocating it.
    private void CheckRows(Api.V1.Tensor? tensor, string field)
    {
        if (tensor is not null && tensor.Shape.Count >= 2 && tensor.Shape[0] > limits.Value.MaxBatchRows)
        {
            throw ServiceException.ResourceExhausted($"{field} has {tensor.Shape[0]} rows; the limit is {limits.Value.MaxBatchRows} (Limits:MaxBatchRows).");
        }
    }

    private static void CheckEncoding(TensorEncoding encoding, string field, Violations v) =>
        v.Check(Enum.IsDefined(encoding), field, $"unknown tensor encoding {(int)encoding}");
}
