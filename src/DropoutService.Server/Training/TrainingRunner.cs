using System.Text;
using System.Threading.Channels;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;

namespace DropoutService.Server.Training;

/// <summary>
/// The training use case, below the gRPC layer and shared by Train and training jobs:
/// <see cref="PrepareAsync"/> checks a request against its model and data once (the engine's own
/// rules), <see cref="Start"/> trains a clone of the base version on a dedicated thread (resuming
/// from a working checkpoint when given one), streams each epoch's metrics and publishes the new
/// version when training completes. The caller holds the model's writer slot.
/// </summary>
public sealed class TrainingRunner(ModelRegistry registry, DatasetCatalog datasets, ILogger<TrainingRunner> logger)
{
    public async Task<TrainingPlan> PrepareAsync(TrainingRequest request, CancellationToken cancellationToken)
    {
        string id = ModelId.Validate(request.ModelId);
        var entry = registry.Get(id);
        if (request.BaseVersion != 0)
        {
            registry.Resolve(id, request.BaseVersion, "base_version");
        }
        var spec = entry.Spec;
        var v = new Violations();
        DatasetRecord? stored = null;
        long rows = 0;
        if (request.Data is { } data)
        {
            CheckData(() => data.Validate(spec.InputSize, entry.OutputSize, spec.Loss, "dataset"), f => $"dataset.{f}", v);
            rows = data.Count;
        }
        else if (request.DatasetId is { } datasetId)
        {
            stored = await datasets.GetAsync(datasetId, "dataset_id", cancellationToken);
            CheckData(() => stored.Summary.CheckFits(spec.InputSize, entry.OutputSize, spec.Loss), _ => "dataset_id", v, $"dataset '{datasetId}': ");
            rows = stored.Summary.Rows;
        }
        else
        {
            v.Add("data", "is required: set dataset (inline) or dataset_id (from UploadDataset)");
        }
        if (request.Validation is { } validation)
        {
            CheckData(() => validation.Validate(spec.InputSize, entry.OutputSize, spec.Loss, "validation_dataset"), f => $"validation_dataset.{f}", v);
        }
        var options = request.Settings.ToEngine(request.Validation);
        v.Check(options.EarlyStoppingPatience == 0 || options.Validation is not null || options.ValidationSplit > 0f,
            "options.early_stopping_patience", "early stopping needs validation data: set options.validation_split or validation_dataset");
        if (rows > 0 && options.ValidationSplit > 0f)
        {
            int held = options.ValidationRows((int)Math.Min(rows, int.MaxValue)); // the engine's own count, so the two checks agree
            v.Check(held >= 1 && held < rows, "options.validation_split", $"leaves no validation or no training rows out of {rows}");
        }
        if (!v.Any)
        {
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                v.Add(e.ParamName is { Length: > 0 } p ? $"options.{SnakeCase(p)}" : "options", e.Message);
            }
        }
        v.ThrowIfAny();
        return new TrainingPlan(request, entry, stored);
    }

    /// <summary>
    /// Trains <paramref name="data"/> from <paramref name="baseVersion"/> (a number, resolved when
    /// the job first ran) or from <paramref name="resume"/>. <paramref name="onEpoch"/> runs on the
    /// training thread at every epoch boundary (export a working checkpoint there). A resume state
    /// that does not fit the run faults <see cref="TrainingRun.Completion"/> with
    /// <see cref="InvalidDataException"/>; the caller starts over.
    /// </summary>
    public TrainingRun Start(TrainingPlan plan, long baseVersion, Dataset data, Dataset? validation, TrainingState? resume,
        Action<EpochMetrics, EpochBoundary>? onEpoch, CancellationToken cancellationToken)
    {
        var request = plan.Request;
        var entry = plan.Entry;
        var (baseRecord, loaded) = registry.Resolve(entry.Id, baseVersion, "base_version");
        var model = loaded.Prototype.Clone();
        var options = request.Settings.ToEngine(validation);
        var optimizerState = OptimizerResume.Select(loaded.OptimizerState, options.Optimizer, model.Parameters, request.Settings.ResetOptimizerState);
        var trainer = new Trainer(model, options, optimizerState);
        var epochs = Channel.CreateUnbounded<EpochMetrics>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var completion = Task.Factory.StartNew(() =>
        {
            try
            {
                TrainingResult result;
                try
                {
                    result = trainer.Fit(data, resume, (m, boundary) =>
                    {
                        ServerLog.TrainingEpoch(logger, entry.Id, m.Epoch, options.Epochs, m.Step, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, m.LearningRate, (long)m.Elapsed.TotalMilliseconds);
                        onEpoch?.Invoke(m, boundary);
                        epochs.Writer.TryWrite(m);
                    }, cancellationToken);
                }
                catch (ArgumentException e) when (resume is not null && e.ParamName == "state")
                {
                    throw new InvalidDataException($"The working checkpoint does not fit this job: {e.Message}", e);
                }
                cancellationToken.ThrowIfCancellationRequested();
                var best = result.History.FirstOrDefault(h => h.Epoch == result.BestEpoch) ?? result.History[^1];
                var metadata = new TrainingMetadata
                {
                    Epochs = result.History.Count,
                    Steps = result.Steps,
                    TrainLoss = result.History[^1].TrainLoss,
                    ValidationLoss = best.ValidationLoss,
                    ValidationAccuracy = best.ValidationAccuracy,
                };
                var version = registry.Publish(entry, model, result.OptimizerState, VersionSource.Trained, baseRecord.Number, metadata);
                return new TrainingOutcome(version, result.BestEpoch, result.StoppedEarly, result.History.Count);
            }
            finally
            {
                epochs.Writer.TryComplete();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return new TrainingRun(epochs.Reader, completion);
    }

    private static void CheckData(Action check, Func<string, string> field, Violations v, string prefix = "")
    {
        try
        {
            check();
        }
        catch (DatasetException e)
        {
            v.Add(field(e.Field), prefix + e.Message);
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
