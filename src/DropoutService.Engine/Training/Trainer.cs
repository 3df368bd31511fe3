using System.Diagnostics;
using DropoutService.Engine.Data;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Randomness;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>
/// Minibatch training of a model in place. Deterministic: the same model, data, options and thread
/// count give bitwise-identical weights, because shuffling and dropout masks are pure functions of
/// <see cref="TrainingOptions.Seed"/>, the epoch and the step.
/// </summary>
public sealed class Trainer
{
    private readonly Model _model;
    private readonly TrainingOptions _options;
    private readonly IOptimizer _optimizer;

    /// <summary>Prepares to train <paramref name="model"/>; <paramref name="resume"/> restores an optimizer state saved earlier.</summary>
    public Trainer(Model model, TrainingOptions options, OptimizerState? resume = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
        _optimizer = OptimizerFactory.Create(options.Optimizer);
        if (resume is not null)
        {
            _optimizer.ImportState(resume, model.Parameters);
        }
    }

    /// <summary>
    /// Trains for the configured epochs (or until early stopping). <paramref name="onEpoch"/> is
    /// called after every epoch. Cancellation is checked before every minibatch and throws
    /// <see cref="OperationCanceledException"/>, leaving the model's weights partly trained.
    /// </summary>
    public TrainingResult Fit(Dataset train, Action<EpochMetrics>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var (trainSet, validation) = SplitValidation(train);
        trainSet.Validate(_model.InputSize, _model.OutputSize, _model.Spec.Loss, "training data");
        validation?.Validate(_model.InputSize, _model.OutputSize, _model.Spec.Loss, "validation data");

        var clock = Stopwatch.StartNew();
        var history = new List<EpochMetrics>(_options.Epochs);
        var batch = new MinibatchBuffer(trainSet, Math.Min(_options.BatchSize, trainSet.Count));
        var order = new int[trainSet.Count];
        var parameters = _model.Parameters;
        Tensor? outputGradient = null;
        bool classifier = _model.Spec.IsClassifier;
        bool earlyStopping = _options.EarlyStoppingPatience > 0 && validation is not null;
        float[][]? bestWeights = null;
        float bestLoss = float.PositiveInfinity;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        bool stoppedEarly = false;
        long step = 0;

        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            float learningRate = _options.Schedule.RateAt(_options.LearningRate, epoch, _options.Epochs);
            ShuffledOrder(order, epoch);
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(_options.BatchSize, order.Length - start);
                batch.Gather(order.AsSpan(start, count));

                var output = _model.Forward(batch.Features, new ForwardPass(ForwardMode.Train, _options.Seed, step, UpdateBuffers: true));
                if (classifier)
                {
                    correct += Accuracy.CountCorrect(output, batch.ClassIds);
                }
                var gradient = Tensor.Ensure(ref outputGradient, output.Rows, output.Columns);
                lossSum += (double)_model.Loss.Compute(output, batch.Targets, gradient) * count;
                _model.BackwardParametersOnly(gradient);

                Regularization.AddWeightDecay(parameters, _options.WeightDecay);
                _optimizer.Step(parameters, learningRate);
                Regularization.ApplyMaxNorm(parameters, _options.MaxNorm);
                step++;
            }

            float? validationLoss = null, validationAccuracy = null;
            if (validation is not null)
            {
                (float loss, float? accuracy) = Evaluator.Evaluate(_model, validation);
                validationLoss = loss;
                validationAccuracy = accuracy;
            }
            var metrics = new EpochMetrics(
                epoch + 1, step, (float)(lossSum / trainSet.Count),
                classifier ? (float)correct / trainSet.Count : null,
                validationLoss, validationAccuracy, learningRate, clock.Elapsed);
            history.Add(metrics);
            onEpoch?.Invoke(metrics);

            if (earlyStopping)
            {
                if (validationLoss!.Value < bestLoss - _options.EarlyStoppingMinDelta)
                {
                    bestLoss = validationLoss.Value;
                    bestEpoch = epoch + 1;
                    epochsWithoutImprovement = 0;
                    if (_options.RestoreBestWeights)
                    {
                        SaveWeights(ref bestWeights);
                    }
                }
                else if (++epochsWithoutImprovement >= _options.EarlyStoppingPatience)
                {
                    stoppedEarly = epoch + 1 < _options.Epochs;
                    break;
                }
            }
        }

        int finalEpoch = history.Count;
        if (earlyStopping && _options.RestoreBestWeights && bestWeights is not null && bestEpoch != finalEpoch)
        {
            RestoreWeights(bestWeights);
            finalEpoch = bestEpoch;
        }
        return new TrainingResult(history, finalEpoch, stoppedEarly, step, _optimizer.ExportState());
    }

    private (Dataset Train, Dataset? Validation) SplitValidation(Dataset data)
    {
        if (_options.Validation is not null || _options.ValidationSplit == 0f)
        {
            return (data, _options.Validation);
        }
        var seed = SplitMix64.Mix(_options.Seed ^ 0x56414C4944415445UL); // "VALIDATE": a stream apart from shuffling
        var (trainIdx, validIdx) = data.ClassIds is not null
            ? StratifiedSplit.Split(data.ClassIds, _options.ValidationSplit, seed)
            : RandomSplit(data.Count, _options.ValidationRows(data.Count), seed);
        if (trainIdx.Length == 0 || validIdx.Length == 0)
        {
            throw new ArgumentException($"Validation split {_options.ValidationSplit} of {data.Count} examples leaves an empty training or validation set.", nameof(data));
        }
        return (data.Subset(trainIdx), data.Subset(validIdx));
    }

    private static (int[] Train, int[] Test) RandomSplit(int count, int test, ulong seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new SplitMix64(seed).Shuffle(order);
        return (order[test..], order[..test]);
    }

    private void ShuffledOrder(int[] order, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var rng = new SplitMix64(SplitMix64.Mix(_options.Seed ^ SplitMix64.Mix((ulong)epoch + 1)));
        rng.Shuffle(order);
    }

    // The best epoch's state is its parameters and its buffers (batch norm's running statistics go with the weights).
    private IEnumerable<Tensor> WeightTensors() => _model.Parameters.Select(p => p.Value).Concat(_model.Buffers.Select(b => b.Value));

    private void SaveWeights(ref float[][]? copy)
    {
        var tensors = WeightTensors().ToArray();
        copy ??= tensors.Select(t => new float[t.Length]).ToArray();
        for (int i = 0; i < tensors.Length; i++)
        {
            tensors[i].Span.CopyTo(copy[i]);
        }
    }

    private void RestoreWeights(float[][] copy)
    {
        var tensors = WeightTensors().ToArray();
        for (int i = 0; i < tensors.Length; i++)
        {
            copy[i].CopyTo(tensors[i].Span);
        }
    }
}
