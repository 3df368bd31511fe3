using System.Text;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;
using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Wire hyper-parameters to engine training options, applying documented defaults and ranges.</summary>
public static class TrainingOptionsMapper
{
    public const int DefaultEpochs = 10;
    public const int DefaultBatchSize = 32;
    public const float DefaultLearningRate = 0.01f;
    public const float MaxLearningRate = 10f;

    public static TrainingOptions ToEngine(Wire.TrainingOptions? options, LimitsOptions limits, Violations v, string field = "options")
    {
        options ??= new Wire.TrainingOptions();
        int epochs = options.Epochs == 0 ? DefaultEpochs : options.Epochs;
        int batch = options.BatchSize == 0 ? DefaultBatchSize : options.BatchSize;
        v.Check(epochs >= 1, $"{field}.epochs", $"must be at least 1 (0 = {DefaultEpochs}), got {options.Epochs}");
        v.Check(batch >= 1, $"{field}.batch_size", $"must be at least 1 (0 = {DefaultBatchSize}), got {options.BatchSize}");
        if (epochs > limits.MaxEpochs)
        {
            throw ServiceException.ResourceExhausted($"{field}.epochs {epochs} exceeds the limit {limits.MaxEpochs} (Limits:MaxEpochs).");
        }
        if (batch > limits.MaxBatchRows)
        {
            throw ServiceException.ResourceExhausted($"{field}.batch_size {batch} exceeds the limit {limits.MaxBatchRows} (Limits:MaxBatchRows).");
        }
        float lr = options.HasLearningRate ? options.LearningRate : DefaultLearningRate;
        CheckLearningRate(lr, $"{field}.learning_rate", v);
        var optimizer = ToEngine(options.Optimizer, $"{field}.optimizer", v);
        var schedule = ToEngine(options.Schedule, lr, $"{field}.schedule", v);
        v.Check(options.WeightDecay is >= 0f and < 1f, $"{field}.weight_decay", $"must be in [0, 1), got {options.WeightDecay}");
        v.Check(options.MaxNorm >= 0f && float.IsFinite(options.MaxNorm), $"{field}.max_norm", $"must be finite and >= 0 (0 = off), got {options.MaxNorm}");
        v.Check(options.ValidationSplit is >= 0f and < 1f, $"{field}.validation_split", $"must be in [0, 1), got {options.ValidationSplit}");
        v.Check(options.EarlyStoppingPatience >= 0, $"{field}.early_stopping_patience", $"must be >= 0 (0 = off), got {options.EarlyStoppingPatience}");
        v.Check(options.EarlyStoppingMinDelta >= 0f && float.IsFinite(options.EarlyStoppingMinDelta), $"{field}.early_stopping_min_delta", $"must be finite and >= 0, got {options.EarlyStoppingMinDelta}");
        var result = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            LearningRate = lr,
            Optimizer = optimizer,
            Schedule = schedule,
            WeightDecay = options.WeightDecay,
            MaxNorm = options.MaxNorm,
            ValidationSplit = options.ValidationSplit,
            EarlyStoppingPatience = options.EarlyStoppingPatience,
            EarlyStoppingMinDelta = options.EarlyStoppingMinDelta,
            RestoreBestWeights = !options.HasRestoreBestWeights || options.RestoreBestWeights,
            Seed = options.Seed,
        };
        if (!v.Any)
        {
            try
            {
                // Early stopping's need for validation data is checked by the caller once an
                // explicit validation_dataset is attached; here patience alone would fail it.
                (result with { EarlyStoppingPatience = 0 }).Validate();
            }
            catch (ArgumentException e)
            {
                v.Add(e.ParamName is null ? field : $"{field}.{SnakeCase(e.ParamName)}", e.Message);
            }
        }
        return result;
    }

    public static OptimizerSettings ToEngine(Wire.OptimizerConfig? config, string field, Violations v)
    {
        config ??= new Wire.OptimizerConfig();
        var defaults = new OptimizerSettings();
        OptimizerKind? kind = config.Kind switch
        {
            Wire.Optimizer.Unspecified or Wire.Optimizer.Sgd => OptimizerKind.Sgd,
            Wire.Optimizer.Momentum => OptimizerKind.Momentum,
            Wire.Optimizer.Nesterov => OptimizerKind.Nesterov,
            Wire.Optimizer.Rmsprop => OptimizerKind.RmsProp,
            Wire.Optimizer.Adam => OptimizerKind.Adam,
            _ => null,
        };
        v.Check(kind is not null, $"{field}.kind", $"unknown optimizer {(int)config.Kind}");
        var settings = new OptimizerSettings
        {
            Kind = kind ?? OptimizerKind.Sgd,
            Momentum = config.HasMomentum ? config.Momentum : defaults.Momentum,
            Rho = config.HasRho ? config.Rho : defaults.Rho,
            Beta1 = config.HasBeta1 ? config.Beta1 : defaults.Beta1,
            Beta2 = config.HasBeta2 ? config.Beta2 : defaults.Beta2,
            Epsilon = config.HasEpsilon ? config.Epsilon : defaults.Epsilon,
        };
        v.Check(settings.Momentum is >= 0f and < 1f, $"{field}.momentum", $"must be in [0, 1), got {settings.Momentum}");
        v.Check(settings.Rho is >= 0f and < 1f, $"{field}.rho", $"must be in [0, 1), got {settings.Rho}");
        v.Check(settings.Beta1 is >= 0f and < 1f, $"{field}.beta1", $"must be in [0, 1), got {settings.Beta1}");
        v.Check(settings.Beta2 is >= 0f and < 1f, $"{field}.beta2", $"must be in [0, 1), got {settings.Beta2}");
        v.Check(settings.Epsilon > 0f && float.IsFinite(settings.Epsilon), $"{field}.epsilon", $"must be finite and > 0, got {settings.Epsilon}");
        return settings;
    }

    public static void CheckLearningRate(float lr, string field, Violations v) =>
        v.Check(lr > 0f && lr <= MaxLearningRate, field, $"must be in (0, {MaxLearningRate}], got {lr}");

    private static LearningRateSchedule ToEngine(Wire.LearningRateSchedule? schedule, float lr, string field, Violations v)
    {
        if (schedule is null)
        {
            return LearningRateSchedule.Constant;
        }
        switch (schedule.Kind)
        {
            case Wire.ScheduleKind.Unspecified or Wire.ScheduleKind.Constant:
                return LearningRateSchedule.Constant;
            case Wire.ScheduleKind.Step:
                float gamma = schedule.HasGamma ? schedule.Gamma : 0.1f;
                v.Check(schedule.StepEpochs >= 1, $"{field}.step_epochs", $"must be at least 1 for a step schedule, got {schedule.StepEpochs}");
                v.Check(gamma is > 0f and <= 1f, $"{field}.gamma", $"must be in (0, 1], got {gamma}");
                return LearningRateSchedule.Step(Math.Max(1, schedule.StepEpochs), gamma);
            case Wire.ScheduleKind.Cosine:
                v.Check(schedule.MinLearningRate >= 0f && schedule.MinLearningRate <= lr, $"{field}.min_learning_rate", $"must be in [0, learning_rate = {lr}], got {schedule.MinLearningRate}");
                return LearningRateSchedule.Cosine(schedule.MinLearningRate);
            default:
                v.Add($"{field}.kind", $"unknown schedule kind {(int)schedule.Kind}");
                return LearningRateSchedule.Constant;
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
