using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;
using DropoutService.Server.Errors;
using DropoutService.Server.Jobs;
using DropoutService.Server.Models;
using DropoutService.Server.Training;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Jobs, their epochs and settings to the wire and back.</summary>
public static class JobMapper
{
    public static Wire.Job ToApi(JobRecord r, IReadOnlyList<EpochMetrics>? epochs, ModelRegistry registry)
    {
        var job = new Wire.Job
        {
            JobId = r.Id,
            ModelId = r.ModelId,
            State = ToApi(r.State),
            BaseVersion = r.BaseVersion,
            ResolvedBaseVersion = r.ResolvedBaseVersion,
            DatasetId = r.DatasetId ?? "",
            Options = ToApi(r.Settings),
            EpochsCompleted = r.EpochsCompleted,
            CreateTimeUnixMs = r.CreatedUnixMs,
            StartTimeUnixMs = r.StartedUnixMs,
            EndTimeUnixMs = r.EndedUnixMs,
            Attempt = r.Attempt,
            RequestId = r.RequestId ?? "",
            Origin = r.Origin == JobOrigin.Train ? Wire.JobOrigin.Train : Wire.JobOrigin.StartTraining,
            MaxDurationSeconds = r.MaxDurationSeconds,
        };
        if (epochs is not null)
        {
            job.Epochs.AddRange(epochs.Select(e => ToApi(e, r.Settings.Epochs)));
        }
        if (r.State == JobState.Succeeded)
        {
            var completed = new Wire.TrainingCompleted { BestEpoch = r.BestEpoch, StoppedEarly = r.StoppedEarly, Version = new Wire.ModelVersion { Version = r.ResultVersion } };
            try
            {
                if (registry.Get(r.ModelId).Find(r.ResultVersion) is { } version)
                {
                    completed.Version = ModelMapper.ToApi(version);
                }
            }
            catch (ServiceException)
            {
                // The model was deleted since: the number is all there is.
            }
            job.Result = completed;
        }
        if (r.Failure is { } failure)
        {
            job.Error = ErrorMapper.ToRpcStatus(failure);
        }
        return job;
    }

    public static Wire.JobState ToApi(JobState s) => s switch
    {
        JobState.Queued => Wire.JobState.Queued,
        JobState.Running => Wire.JobState.Running,
        JobState.Cancelling => Wire.JobState.Cancelling,
        JobState.Succeeded => Wire.JobState.Succeeded,
        JobState.Failed => Wire.JobState.Failed,
        JobState.Cancelled => Wire.JobState.Cancelled,
        _ => Wire.JobState.Unspecified,
    };

    public static JobState? ToDomain(Wire.JobState s) => s switch
    {
        Wire.JobState.Queued => JobState.Queued,
        Wire.JobState.Running => JobState.Running,
        Wire.JobState.Cancelling => JobState.Cancelling,
        Wire.JobState.Succeeded => JobState.Succeeded,
        Wire.JobState.Failed => JobState.Failed,
        Wire.JobState.Cancelled => JobState.Cancelled,
        _ => null,
    };

    public static Wire.EpochProgress ToApi(EpochMetrics m, int totalEpochs)
    {
        var p = new Wire.EpochProgress
        {
            Epoch = m.Epoch,
            TotalEpochs = totalEpochs,
            Step = m.Step,
            TrainLoss = m.TrainLoss,
            LearningRate = m.LearningRate,
            ElapsedMs = (long)m.Elapsed.TotalMilliseconds,
        };
        if (m.TrainAccuracy is float ta)
        {
            p.TrainAccuracy = ta;
        }
        if (m.ValidationLoss is float vl)
        {
            p.ValidationLoss = vl;
        }
        if (m.ValidationAccuracy is float va)
        {
            p.ValidationAccuracy = va;
        }
        return p;
    }

    /// <summary>The options as they will be used (defaults applied).</summary>
    public static Wire.TrainingOptions ToApi(TrainingSettings s)
    {
        var o = s.Optimizer;
        var options = new Wire.TrainingOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            LearningRate = s.LearningRate,
            Optimizer = new Wire.OptimizerConfig
            {
                Kind = o.Kind switch
                {
                    OptimizerKind.Momentum => Wire.Optimizer.Momentum,
                    OptimizerKind.Nesterov => Wire.Optimizer.Nesterov,
                    OptimizerKind.RmsProp => Wire.Optimizer.Rmsprop,
                    OptimizerKind.Adam => Wire.Optimizer.Adam,
                    _ => Wire.Optimizer.Sgd,
                },
                Momentum = o.Momentum, Rho = o.Rho, Beta1 = o.Beta1, Beta2 = o.Beta2, Epsilon = o.Epsilon,
            },
            Schedule = new Wire.LearningRateSchedule
            {
                Kind = s.Schedule.Kind switch
                {
                    LearningRateScheduleKind.Step => Wire.ScheduleKind.Step,
                    LearningRateScheduleKind.Cosine => Wire.ScheduleKind.Cosine,
                    _ => Wire.ScheduleKind.Constant,
                },
                StepEpochs = s.Schedule.StepEpochs, Gamma = s.Schedule.Gamma, MinLearningRate = s.Schedule.MinLearningRate,
            },
            WeightDecay = s.WeightDecay,
            MaxNorm = s.MaxNorm,
            ValidationSplit = s.ValidationSplit,
            EarlyStoppingPatience = s.EarlyStoppingPatience,
            EarlyStoppingMinDelta = s.EarlyStoppingMinDelta,
            RestoreBestWeights = s.RestoreBestWeights,
            Seed = s.Seed,
            ResetOptimizerState = s.ResetOptimizerState,
        };
        return options;
    }
}
