using System.Threading.Channels;
using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;
using DropoutService.Server.Errors;
using DropoutService.Server.Hosting;
using DropoutService.Server.Logging;
using DropoutService.Server.Mapping;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Dataset = DropoutService.Engine.Training.Dataset;
using TrainingOptions = DropoutService.Engine.Training.TrainingOptions;
using ModelVersionSource = DropoutService.Server.Models.VersionSource;

namespace DropoutService.Server.Grpc;

/// <summary>
/// dropout.v1.TrainingService. A model has one writer at a time (Train or ApplyGradients); a
/// second one gets FAILED_PRECONDITION rather than queueing, so a client never waits behind a
/// long training without knowing. Training runs on a clone of the base version and publishes
/// only when it completes; cancellation, deadline or shutdown publish nothing.
/// </summary>
public sealed class TrainingGrpcService(
    ModelRegistry registry,
    DatasetCache datasets,
    TrainingSlots slots,
    ServerLifetime lifetime,
    IOptions<LimitsOptions> limits,
    ILogger<TrainingGrpcService> logger) : TrainingService.TrainingServiceBase
{
    public override async Task Train(TrainRequest request, IServerStreamWriter<TrainResponse> responseStream, ServerCallContext context)
    {
        string id = ModelId.Validate(request.ModelId);
        context.Annotate(id);
        var (baseRecord, baseLoaded) = registry.Resolve(id, request.BaseVersion, "base_version");
        var entry = registry.Get(id);
        var spec = entry.Spec;
        var v = new Violations();
        var options = TrainingOptionsMapper.ToEngine(request.Options, limits.Value, v);
        Dataset? train = request.DataCase switch
        {
            TrainRequest.DataOneofCase.Dataset => DatasetMapper.ToEngine(request.Dataset, "dataset", spec, entry.OutputSize, limits.Value.MaxDatasetBytes, v),
            TrainRequest.DataOneofCase.DatasetId => DatasetMapper.ToEngine(datasets.Get(request.DatasetId, "dataset_id"), "dataset_id", spec, entry.OutputSize, v),
            _ => Missing(v),
        };
        if (request.ValidationDataset is not null)
        {
            var validation = DatasetMapper.ToEngine(request.ValidationDataset, "validation_dataset", spec, entry.OutputSize, limits.Value.MaxDatasetBytes, v);
            options = options with { Validation = validation, ValidationSplit = 0f };
        }
        v.Check(options.EarlyStoppingPatience == 0 || options.Validation is not null || options.ValidationSplit > 0f,
            "options.early_stopping_patience", "early stopping needs validation data: set options.validation_split or validation_dataset");
        if (train is not null && options.ValidationSplit > 0f)
        {
            int held = options.ValidationRows(train.Count); // the engine's own count, so the two checks agree
            v.Check(held >= 1 && held < train.Count,
                "options.validation_split", $"leaves no validation or no training rows out of {train.Count}");
        }
        v.ThrowIfAny();

        if (!entry.TryBeginWrite())
        {
            throw ServiceException.FailedPrecondition($"Model '{id}' is already being trained (or having gradients applied); one writer per model at a time.");
        }
        try
        {
            if (request.BaseVersion == 0)
            {
                // "Latest" is read again under the writer slot: an ApplyGradients that published
                // after the first look must be the base, not silently superseded.
                (baseRecord, baseLoaded) = registry.Resolve(id, 0, "base_version");
            }
            using var slot = slots.Take();
            var model = baseLoaded.Prototype.Clone();
            var resume = !(request.Options?.ResetOptimizerState ?? false) && baseLoaded.OptimizerState?.Kind == options.Optimizer.Kind
                ? baseLoaded.OptimizerState
                : null;
            Trainer trainer;
            try
            {
                trainer = CreateTrainer(model, options, resume);
            }
            catch (ArgumentException e)
            {
                throw new RequestValidationException($"options.{e.ParamName}", e.Message);
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.Stopping);
            var progress = Channel.CreateUnbounded<EpochMetrics>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var fit = Task.Factory.StartNew(() =>
            {
                try
                {
                    return trainer.Fit(train!, m =>
                    {
                        ServerLog.TrainingEpoch(logger, id, m.Epoch, options.Epochs, m.Step, m.TrainLoss, m.ValidationLoss, m.ValidationAccuracy, m.LearningRate, (long)m.Elapsed.TotalMilliseconds);
                        progress.Writer.TryWrite(m);
                    }, cts.Token);
                }
                finally
                {
                    progress.Writer.TryComplete();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            TrainingResult result;
            try
            {
                await foreach (var m in progress.Reader.ReadAllAsync(CancellationToken.None))
                {
                    await responseStream.WriteAsync(new TrainResponse { Progress = ToApi(m, options.Epochs) });
                }
                result = await fit;
            }
            catch (Exception e)
            {
                // The client went away or training failed: stop the trainer before the writer slot is released.
                await cts.CancelAsync();
                try
                {
                    await fit;
                }
                catch (Exception)
                {
                    // Already reporting the first failure.
                }
                ServerLog.TrainingStopped(logger, id, StopReason(e, context));
                if (lifetime.Draining && !context.CancellationToken.IsCancellationRequested)
                {
                    throw ServiceException.Unavailable("Training cancelled: the server is shutting down; nothing was published.");
                }
                if (e is ArgumentException argument)
                {
                    // The engine's own data checks (beyond what was validated above) are still the caller's input.
                    throw new RequestValidationException(argument.ParamName is { Length: > 0 } p && !p.Contains(' ') ? $"options.{p}" : "dataset", argument.Message);
                }
                throw;
            }
            if (cts.IsCancellationRequested)
            {
                ServerLog.TrainingStopped(logger, id, StopReason(new OperationCanceledException(), context));
                context.CancellationToken.ThrowIfCancellationRequested();
                throw ServiceException.Unavailable("Training cancelled: the server is shutting down; nothing was published.");
            }
            var best = result.History.FirstOrDefault(h => h.Epoch == result.BestEpoch) ?? result.History[^1];
            var metadata = new TrainingMetadata
            {
                Epochs = result.History.Count,
                Steps = result.Steps,
                TrainLoss = result.History[^1].TrainLoss,
                ValidationLoss = best.ValidationLoss,
                ValidationAccuracy = best.ValidationAccuracy,
            };
            var record = registry.Publish(entry, model, result.OptimizerState, ModelVersionSource.Trained, baseRecord.Number, metadata);
            context.Annotate(id, record.Number);
            await responseStream.WriteAsync(new TrainResponse
            {
                Completed = new TrainingCompleted { Version = ModelMapper.ToApi(record), BestEpoch = result.BestEpoch, StoppedEarly = result.StoppedEarly },
            });
        }
        finally
        {
            entry.EndWrite();
        }
    }

    public override async Task<UploadDatasetResponse> UploadDataset(IAsyncStreamReader<UploadDatasetRequest> requestStream, ServerCallContext context)
    {
        var builder = new DatasetUploadBuilder(limits.Value.MaxDatasetBytes);
        await foreach (var chunk in requestStream.ReadAllAsync(context.CancellationToken))
        {
            builder.Add(chunk);
        }
        var dataset = builder.Build();
        datasets.Add(dataset);
        return new UploadDatasetResponse { DatasetId = dataset.Id, Rows = dataset.Features.Rows, SizeBytes = dataset.SizeBytes };
    }

    public override Task<ApplyGradientsResponse> ApplyGradients(ApplyGradientsRequest request, ServerCallContext context)
    {
        string id = ModelId.Validate(request.ModelId);
        context.Annotate(id);
        var entry = registry.Get(id);
        if (!entry.TryBeginWrite())
        {
            throw ServiceException.FailedPrecondition($"Model '{id}' is being trained; gradients cannot be applied until it finishes.");
        }
        try
        {
            var latest = entry.Latest;
            if (request.BaseVersion < 0)
            {
                throw new RequestValidationException("base_version", $"must be 0 (latest) or a version number, got {request.BaseVersion}");
            }
            if (request.BaseVersion != 0 && request.BaseVersion != latest.Number)
            {
                throw ServiceException.FailedPrecondition($"base_version {request.BaseVersion} is not the latest version ({latest.Number}); recompute the gradients on the latest version.");
            }
            var (_, loaded) = registry.Resolve(id, latest.Number);
            var v = new Violations();
            TrainingOptionsMapper.CheckLearningRate(request.LearningRate, "learning_rate", v);
            var settings = TrainingOptionsMapper.ToEngine(request.Optimizer, "optimizer", v);
            var model = loaded.Prototype.Clone();
            GradientMapper.CopyInto(request.Gradients, model, v);
            v.ThrowIfAny();

            var optimizer = OptimizerFactory.Create(settings);
            if (loaded.OptimizerState is { } state && state.Kind == settings.Kind)
            {
                try
                {
                    optimizer.ImportState(state, model.Parameters);
                }
                catch (ArgumentException)
                {
                    // Stored state that does not fit: step with a fresh optimizer, as Train does.
                    optimizer = OptimizerFactory.Create(settings);
                }
            }
            optimizer.Step(model.Parameters, request.LearningRate);
            var record = registry.Publish(entry, model, optimizer.ExportState(), ModelVersionSource.GradientsApplied, latest.Number,
                new TrainingMetadata { Steps = 1 });
            context.Annotate(id, record.Number);
            return Task.FromResult(new ApplyGradientsResponse { Version = ModelMapper.ToApi(record) });
        }
        finally
        {
            entry.EndWrite();
        }
    }

    private Trainer CreateTrainer(Engine.Models.Model model, TrainingOptions options, OptimizerState? resume)
    {
        if (resume is null)
        {
            return new Trainer(model, options);
        }
        try
        {
            return new Trainer(model, options, resume);
        }
        catch (ArgumentException)
        {
            // State of the same kind that does not fit these settings: start the optimizer afresh.
            return new Trainer(model, options);
        }
    }

    private static Dataset? Missing(Violations v)
    {
        v.Add("data", "is required: set dataset (inline) or dataset_id (from UploadDataset)");
        return null;
    }

    private static EpochProgress ToApi(EpochMetrics m, int totalEpochs)
    {
        var p = new EpochProgress
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

    private string StopReason(Exception e, ServerCallContext context) =>
        e is OperationCanceledException or IOException or InvalidOperationException
            ? context.Deadline <= DateTime.UtcNow ? "deadline exceeded" : lifetime.Draining ? "server shutting down" : "cancelled by the client"
            : $"failed: {e.GetType().Name}";
}
