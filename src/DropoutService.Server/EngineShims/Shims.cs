// TEMPORARY: signatures of engine types that have not landed on main yet (engine-api.md).
// Deleted as soon as the engine pieces are merged; nothing here is used at run time.
#pragma warning disable CA1822, IDE0060
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training
{
    public sealed class Dataset
    {
        public Tensor Features { get; init; } = null!;
        public Targets Targets { get; init; } = null!;
        public int Count => Features.Rows;
        public static Dataset FromClassIds(Tensor features, int[] classIds) => throw new NotImplementedException();
        public static Dataset FromValues(Tensor features, Tensor values) => throw new NotImplementedException();
    }

    public sealed record TrainingOptions
    {
        public int Epochs { get; init; } = 10;
        public int BatchSize { get; init; } = 32;
        public float LearningRate { get; init; } = 0.01f;
        public OptimizerSettings Optimizer { get; init; } = new();
        public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
        public float WeightDecay { get; init; }
        public float MaxNorm { get; init; }
        public float ValidationSplit { get; init; }
        public Dataset? Validation { get; init; }
        public int EarlyStoppingPatience { get; init; }
        public float EarlyStoppingMinDelta { get; init; }
        public bool RestoreBestWeights { get; init; } = true;
        public ulong Seed { get; init; }
        public void Validate() => throw new NotImplementedException();
    }

    public sealed record EpochMetrics(int Epoch, long Step, float TrainLoss, float? TrainAccuracy,
        float? ValidationLoss, float? ValidationAccuracy, float LearningRate, TimeSpan Elapsed);

    public sealed record TrainingResult(IReadOnlyList<EpochMetrics> History, int BestEpoch, bool StoppedEarly, long Steps, OptimizerState OptimizerState);

    public sealed class Trainer
    {
        public Trainer(Model model, TrainingOptions options, OptimizerState? resume = null) => throw new NotImplementedException();
        public TrainingResult Fit(Dataset train, Action<EpochMetrics>? onEpoch = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    }

    public static class Evaluator
    {
        public static (float Loss, float? Accuracy) Evaluate(Model model, Dataset data, int batchSize = 256) => throw new NotImplementedException();
    }
}

namespace DropoutService.Engine.Optimizers
{
    public enum LearningRateScheduleKind { Constant, Step, Cosine }

    public sealed record LearningRateSchedule
    {
        public static LearningRateSchedule Constant => new();
        public LearningRateScheduleKind Kind { get; init; }
        public int StepEpochs { get; init; }
        public float Gamma { get; init; } = 0.1f;
        public float MinLearningRate { get; init; }
    }

    public sealed class SgdOptimizer : StubOptimizer { public SgdOptimizer(OptimizerSettings s) { } }
    public sealed class MomentumOptimizer : StubOptimizer { public MomentumOptimizer(OptimizerSettings s) { } }
    public sealed class NesterovOptimizer : StubOptimizer { public NesterovOptimizer(OptimizerSettings s) { } }
    public sealed class RmsPropOptimizer : StubOptimizer { public RmsPropOptimizer(OptimizerSettings s) { } }
    public sealed class AdamOptimizer : StubOptimizer { public AdamOptimizer(OptimizerSettings s) { } }

    public abstract class StubOptimizer : IOptimizer
    {
        public OptimizerSettings Settings => throw new NotImplementedException();
        public long StepCount => throw new NotImplementedException();
        public void Step(IReadOnlyList<Layers.Parameter> parameters, float learningRate) => throw new NotImplementedException();
        public OptimizerState ExportState() => throw new NotImplementedException();
        public void ImportState(OptimizerState state) => throw new NotImplementedException();
    }
}

namespace DropoutService.Engine.Models
{
    public sealed record MonteCarloPrediction(Tensor Mean, Tensor StandardDeviation, float[]? PredictiveEntropy);

    public static class MonteCarlo
    {
        public static MonteCarloPrediction Predict(Model model, Tensor input, int samples, ulong seed) => throw new NotImplementedException();
    }
}

namespace DropoutService.Engine.Data
{
    public static class DigitsCsv { public static Training.Dataset Load(string path) => throw new NotImplementedException(); }
    public static class StratifiedSplit { public static (int[] Train, int[] Test) Split(int[] labels, float testFraction, ulong seed) => throw new NotImplementedException(); }
}

namespace DropoutService.Engine.Checkpoints
{
    public sealed record TrainingMetadata
    {
        public int Epochs { get; init; }
        public long Steps { get; init; }
        public float? TrainLoss { get; init; }
        public float? ValidationLoss { get; init; }
        public float? ValidationAccuracy { get; init; }
        public long CreatedUnixMs { get; init; }
        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    }

    public sealed record Checkpoint(ModelSpec Spec, IReadOnlyDictionary<string, Tensor> Parameters, OptimizerState? Optimizer, TrainingMetadata Metadata)
    {
        public static Checkpoint FromModel(Model model, OptimizerState? optimizer, TrainingMetadata metadata) => throw new NotImplementedException();
        public Model CreateModel(IBlas? blas = null) => throw new NotImplementedException();
    }

    public static class CheckpointFile
    {
        public static void Save(string path, Checkpoint c) => throw new NotImplementedException();
        public static Checkpoint Load(string path) => throw new NotImplementedException();
    }

    public abstract class CheckpointException(string message) : IOException(message);
}

namespace DropoutService.Engine.Losses
{
    public static class Softmax
    {
        public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int columns) => throw new NotImplementedException();
    }
}
