using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;

namespace DropoutService.Server.Training;

/// <summary>
/// The hyper-parameters of a training, as the job store keeps them: the engine's options without
/// the validation data (stored beside the job), plus whether the base version's optimizer state
/// is ignored.
/// </summary>
public sealed record TrainingSettings
{
    public int Epochs { get; init; }

    public int BatchSize { get; init; }

    public float LearningRate { get; init; }

    public OptimizerSettings Optimizer { get; init; } = new();

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    public float WeightDecay { get; init; }

    public float MaxNorm { get; init; }

    public float ValidationSplit { get; init; }

    public int EarlyStoppingPatience { get; init; }

    public float EarlyStoppingMinDelta { get; init; }

    public bool RestoreBestWeights { get; init; } = true;

    public ulong Seed { get; init; }

    public bool ResetOptimizerState { get; init; }

    public static TrainingSettings From(TrainingOptions o, bool resetOptimizerState) => new()
    {
        Epochs = o.Epochs,
        BatchSize = o.BatchSize,
        LearningRate = o.LearningRate,
        Optimizer = o.Optimizer,
        Schedule = o.Schedule,
        WeightDecay = o.WeightDecay,
        MaxNorm = o.MaxNorm,
        ValidationSplit = o.ValidationSplit,
        EarlyStoppingPatience = o.EarlyStoppingPatience,
        EarlyStoppingMinDelta = o.EarlyStoppingMinDelta,
        RestoreBestWeights = o.RestoreBestWeights,
        Seed = o.Seed,
        ResetOptimizerState = resetOptimizerState,
    };

    /// <summary>The engine's options; an explicit validation set replaces the split.</summary>
    public TrainingOptions ToEngine(Dataset? validation) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Schedule = Schedule,
        WeightDecay = WeightDecay,
        MaxNorm = MaxNorm,
        ValidationSplit = validation is null ? ValidationSplit : 0f,
        Validation = validation,
        EarlyStoppingPatience = EarlyStoppingPatience,
        EarlyStoppingMinDelta = EarlyStoppingMinDelta,
        RestoreBestWeights = RestoreBestWeights,
        Seed = Seed,
    };
}
