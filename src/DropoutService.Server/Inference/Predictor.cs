using System.Runtime.CompilerServices;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Errors;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Resources;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Inference;

/// <summary>
/// The inference use case behind Predict, Forward and Backward (and any other front end): engine
/// tensors in, results out, no protocol types. Predict and eval-mode Forward go through the
/// version's dynamic batcher; every run reserves its working memory in the shared
/// <see cref="MemoryBudget"/> first and stops between passes, layers and samples when the token
/// is cancelled. Inputs are checked here too (shape, finiteness, limits), so nothing invalid ever
/// joins a batch whatever the front end validated.
/// </summary>
/// <remarks>
/// Errors: <see cref="RequestValidationException"/> (field <c>inputs</c>, <c>mc_samples</c>),
/// <see cref="ServiceException"/> (not found; RESOURCE_EXHAUSTED for rows, samples, queue and
/// memory limits), <see cref="OperationCanceledException"/> when the token fires.
/// </remarks>
public sealed class Predictor(ModelRegistry registry, MemoryBudget budget, InferenceMetrics metrics,
    IOptions<InferenceOptions> inference, IOptions<LimitsOptions> limits, IOptions<StoreOptions> store)
{
    private readonly ConditionalWeakTable<LoadedVersion, VersionInference> _versions = new();
    private readonly InferenceOptions _options = inference.Value;
    private readonly LimitsOptions _limits = limits.Value;

    /// <summary>The version (0 = latest) of a model; NOT_FOUND when either does not exist.</summary>
    public InferenceTarget Resolve(string modelId, long version, string versionField = "version")
    {
        var (record, loaded) = registry.Resolve(modelId, version, versionField);
        var state = _versions.GetValue(loaded, l => new VersionInference(modelId, record.Number, l.Prototype, BatchingFor(modelId),
            _options.MaxRowsPerPass, store.Value.ReplicasPerVersion, budget, metrics));
        return new InferenceTarget(modelId, record.Number, state);
    }

    /// <summary>The batching settings of models without overrides.</summary>
    public BatchingSettings DefaultBatching => BatchingSettings.Default(_options.Batching);

    /// <summary>The batching settings of a model: the global ones with its overrides.</summary>
    public BatchingSettings BatchingFor(string modelId) => BatchingSettings.For(_options.Batching, modelId);

    /// <summary>
    /// Predicts <paramref name="inputs"/> (rows, input size): one evaluation pass when
    /// <paramref name="mcSamples"/> is 0, else Monte-Carlo dropout over that many samples with masks
    /// keyed by <paramref name="seed"/> (sample s at step s). Batched with concurrent calls of the
    /// same kind; the result is bitwise the same as the call alone.
    /// </summary>
    public async Task<Prediction> PredictAsync(InferenceTarget target, Tensor inputs, int mcSamples, ulong seed, CancellationToken cancellationToken)
    {
        CheckInputs(target, inputs);
        if (mcSamples < 0)
        {
            throw new RequestValidationException("mc_samples", $"must be 0 (evaluation) or a number of Monte-Carlo samples, got {mcSamples}");
        }
        if (mcSamples > _limits.MaxMcSamples)
        {
            throw ServiceException.ResourceExhausted($"mc_samples {mcSamples} exceeds the limit {_limits.MaxMcSamples} (Limits:MaxMcSamples).");
        }
        var request = mcSamples == 0 ? InferenceRequest.Eval(inputs) : InferenceRequest.MonteCarlo(inputs, mcSamples, seed);
        await target.Inference.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return mcSamples == 0 ? EvalPrediction(target, request) : MonteCarloPrediction(target, request);
    }

    /// <summary>
    /// One forward pass in <paramref name="mode"/> with dropout masks keyed by <paramref name="seed"/>
    /// (step 0); with <paramref name="includeActivations"/> every layer's output too. Evaluation
    /// mode is batched with concurrent Predict and Forward calls; the other modes run alone.
    /// </summary>
    public async Task<ForwardResult> ForwardAsync(InferenceTarget target, Tensor inputs, ForwardMode mode, ulong seed, bool includeActivations, CancellationToken cancellationToken)
    {
        CheckInputs(target, inputs);
        var request = mode == ForwardMode.Eval ? InferenceRequest.Eval(inputs, includeActivations) : InferenceRequest.Forward(inputs, mode, seed, includeActivations);
        await target.Inference.RunAsync(request, cancellationToken).ConfigureAwait(false);
        var activations = request.Activations is null ? [] : target.LayerNames.Select((name, i) => new LayerOutput(name, request.Activations[i]!)).ToArray();
        return new ForwardResult(target.Version, request.Outputs!, activations);
    }

    /// <summary>
    /// Recomputes the forward pass of (<paramref name="inputs"/>, <paramref name="mode"/>,
    /// <paramref name="seed"/>) — the same outputs as <see cref="ForwardAsync"/> gives — and
    /// back-propagates <paramref name="outputGradients"/> (rows, output size) or the model's loss
    /// against <paramref name="targets"/> (exactly one of them). Runs alone, never batched.
    /// </summary>
    public BackwardResult Backward(InferenceTarget target, Tensor inputs, ForwardMode mode, ulong seed, Tensor? outputGradients, Targets? targets, CancellationToken cancellationToken)
    {
        CheckInputs(target, inputs);
        if ((outputGradients is null) == (targets is null))
        {
            throw new ArgumentException("Exactly one of outputGradients and targets must be given.", nameof(targets));
        }
        if (outputGradients is not null && (outputGradients.Rows != inputs.Rows || outputGradients.Columns != target.OutputSize))
        {
            throw new RequestValidationException("output_gradients.shape", $"shape mismatch: needs ({inputs.Rows}, {target.OutputSize}), got ({outputGradients.Rows}, {outputGradients.Columns})");
        }
        var state = target.Inference;
        using var lease = state.Reserve(state.Size.ForBackward(inputs.Rows), $"a backward pass of {inputs.Rows} rows");
        var worker = state.Workers.Rent();
        try
        {
            var model = worker.Model;
            worker.Ran(inputs.Rows);
            worker.HoldsGradients = true;
            var outputs = model.Forward(inputs, new ForwardPass(mode, seed, 0), cancellationToken);
            float? loss = null;
            if (targets is not null)
            {
                outputGradients = new Tensor(outputs.Rows, outputs.Columns);
                loss = model.Loss.Compute(outputs, targets, outputGradients);
            }
            cancellationToken.ThrowIfCancellationRequested();
            var inputGradients = model.Backward(outputGradients!);
            var parameters = model.Parameters.Select(p => new ParameterGradientValue(p.LayerName, p.Name, p.Gradient.Clone())).ToArray();
            return new BackwardResult(target.Version, outputs.Clone(), loss, inputGradients.Clone(), parameters);
        }
        finally
        {
            state.Workers.Return(worker);
        }
    }

    private void CheckInputs(InferenceTarget target, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rows > _limits.MaxBatchRows)
        {
            throw ServiceException.ResourceExhausted($"inputs has {inputs.Rows} rows; the limit is {_limits.MaxBatchRows} (Limits:MaxBatchRows).");
        }
        var v = new Violations();
        v.Check(inputs.Rows >= 1, "inputs.shape", "the batch is empty: rows must be at least 1");
        v.Check(inputs.Columns == target.InputSize, "inputs.shape", $"shape mismatch: the model expects {target.InputSize} columns, got {inputs.Columns}");
        v.ThrowIfAny();
        var span = inputs.Span;
        for (int i = 0; i < span.Length; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                throw new RequestValidationException("inputs", $"element {i} (row {i / inputs.Columns}, column {i % inputs.Columns}) is {span[i]}; values must be finite (no NaN or Inf)");
            }
        }
    }

    private static Prediction EvalPrediction(InferenceTarget target, InferenceRequest request)
    {
        var logits = request.Outputs!;
        if (!target.IsClassifier)
        {
            return new Prediction(target.Version, logits, null, null, null, null);
        }
        var probabilities = new Tensor(logits.Rows, logits.Columns);
        Softmax.Rows(logits.Span, probabilities.Span, logits.Columns);
        return new Prediction(target.Version, logits, probabilities, ArgMax(probabilities), null, null);
    }

    private static Prediction MonteCarloPrediction(InferenceTarget target, InferenceRequest request) =>
        target.IsClassifier
            ? new Prediction(target.Version, null, request.Mean, ArgMax(request.Mean!), request.StandardDeviation, request.PredictiveEntropy)
            : new Prediction(target.Version, request.Mean, null, null, request.StandardDeviation, null);

    private static int[] ArgMax(Tensor probabilities)
    {
        var ids = new int[probabilities.Rows];
        for (int r = 0; r < ids.Length; r++)
        {
            var row = probabilities.Row(r);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            ids[r] = best;
        }
        return ids;
    }
}
