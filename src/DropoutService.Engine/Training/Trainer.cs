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
    public TrainingResult Fit(Dataset train, Action<EpochMetrics>? onEpoch = null, CancellationToken cancellationToken = default) =>
        Fit(train, null, onEpoch is null ? null : (m, _) => onEpoch(m), cancellationToken);

    /// <summary>
    /// Trains, or continues from <paramref name="resume"/> (exported by an earlier run of the same
    /// model spec, options and data at an epoch boundary): the weights and metrics at the end are
    /// bitwise identical to an uninterrupted run on the same thread count. <paramref name="onEpoch"/>
    /// gets every epoch's metrics and the <see cref="EpochBoundary"/> to export the state from.
    /// Throws <see cref="TrainingDivergedException"/> at the first non-finite loss (checked every
    /// step, before the step is applied) or weight or validation loss (checked every epoch), and
    /// <see cref="ArgumentException"/> when <paramref name="resume"/> does not belong to this run.
    /// </summary>
    public TrainingResult Fit(Dataset train, TrainingState? resume, Action<EpochMetrics, EpochBoundary>? onEpoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        var (trainSet, validation) = SplitValidation(train);
        trainSet.Validate(_model.InputSize, _model.OutputSize, _model.Spec.Loss, "training data");
        validation?.Validate(_model.InputSize, _model.OutputSize, _model.Spec.Loss, "validation data");

        bool earlyStopping = _options.EarlyStoppingPatience > 0 && validation is not null;
        var progress = resume is null
            ? TrainingProgress.Start(_options)
            : TrainingProgress.Resume(resume, _model, _optimizer, _options, earlyStopping);
        var clock = Stopwatch.StartNew();
        var boundary = new EpochBoundary(_model, _optimizer, progress, earlyStopping, () => clock.Elapsed);
        var batch = new MinibatchBuffer(trainSet, Math.Min(_options.BatchSize, trainSet.Count));
        var order = new int[trainSet.Count];
        var parameters = _model.Parameters;
        Tensor? outputGradient = null;
        bool classifier = _model.Spec.IsClassifier;

        for (int epoch = progress.CompletedEpochs; epoch < _options.Epochs && !progress.StoppedEarly; epoch++)
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

                var output = _model.Forward(batch.Features, new ForwardPass(ForwardMode.Train, _options.Seed, progress.Step, UpdateBuffers: true));
                if (classifier)
                {
                    correct += Accuracy.CountCorrect(output, batch.ClassIds);
                }
                var gradient = Tensor.Ensure(ref outputGradient, output.Rows, output.Columns);
                float loss = _model.Loss.Compute(output, batch.Targets, gradient);
                if (!float.IsFinite(loss))
                {
                    throw new TrainingDivergedException(epoch + 1, progress.Step + 1, $"loss is {ModelValues.Describe(loss)}");
                }
                lossSum += (double)loss * count;
                _model.BackwardParametersOnly(gradient);

                Regularization.AddWeightDecay(parameters, _options.WeightDecay);
                _optimizer.Step(parameters, learningRate);
                Regularization.ApplyMaxNorm(parameters, _options.MaxNorm);
                progress.Step++;
            }
            ModelValues.CheckFinite(_model, epoch + 1, progress.Step);

            float? validationLoss = null, validationAccuracy = null;
            if (validation is not null)
            {
                (float loss, float? accuracy) = Evaluator.Evaluate(_model, validation);
                if (!float.IsFinite(loss))
                {
                    throw new TrainingDivergedException(epoch + 1, progress.Step, $"validation loss is {ModelValues.Describe(loss)}");
                }
                validationLoss = loss;
                validationAccuracy = accuracy;
            }
            var metrics = new EpochMetrics(
                epoch + 1, progress.Step, (float)(lossSum / trainSet.Count),
                classifier ? (float)correct / trainSet.Count : null,
                validationLoss, validationAccuracy, learningRate, progress.ElapsedBefore + clock.Elapsed);
            // Early stopping is updated before the callback, so that a state exported there is complete.
            progress.Complete(metrics, _model, _options, earlyStopping);
            boundary.IsLast = progress.StoppedEarly || epoch + 1 == _options.Epochs;
            onEpoch?.Invoke(metrics, boundary);
        }

        int finalEpoch = progress.History.Count;
        if (earlyStopping && _options.RestoreBestWeights && progress.BestWeights is not null && progress.BestEpoch != finalEpoch)
        {
            ModelValues.CopyInto(progress.BestWeights, _model);
            finalEpoch = progress.BestEpoch;
        }
        return new TrainingResult(progress.History, finalEpoch, progress.StoppedEarly, progress.Step, _optimizer.ExportState());
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
}
