using System.Text;
using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;
using DropoutService.Server.Jobs;
using DropoutService.Server.Mapping;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Training;
using Grpc.Core;
using Microsoft.Extensions.Options;
using JobOrigin = DropoutService.Server.Jobs.JobOrigin;
using JobState = DropoutService.Server.Jobs.JobState;
using ModelVersionSource = DropoutService.Server.Models.VersionSource;

namespace DropoutService.Server.Grpc;

/// <summary>
/// dropout.v1.TrainingService: map, call the training use cases (<see cref="JobManager"/>,
/// <see cref="DatasetCatalog"/>), map back. Train is a job bound to the call: it queues like any
/// job, streams the job's epochs, and is cancelled when the call ends early.
/// </summary>
public sealed class TrainingGrpcService(
    ModelRegistry registry,
    JobManager jobs,
    DatasetCatalog datasets,
    TimeProvider time,
    IOptions<LimitsOptions> limits,
    IOptions<DatasetsOptions> datasetOptions) : TrainingService.TrainingServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task Train(TrainRequest request, IServerStreamWriter<TrainResponse> responseStream, ServerCallContext context)
    {
        context.Annotate(request.ModelId);
        var domain = TrainingRequestMapper.ToDomain(request.ModelId, request.BaseVersion,
            request.DataCase == TrainRequest.DataOneofCase.Dataset ? request.Dataset : null,
            request.DataCase == TrainRequest.DataOneofCase.DatasetId ? request.DatasetId : null,
            request.Options, request.ValidationDataset, limits.Value);
        var job = await jobs.StartAsync(domain, JobOrigin.Train, null, 0, context.CancellationToken);
        JobRecord? final = null;
        try
        {
            await foreach (var e in jobs.WatchAsync(job.Id, 1, context.CancellationToken))
            {
                if (e.Epoch is { } epoch)
                {
                    await responseStream.WriteAsync(new TrainResponse { Progress = JobMapper.ToApi(epoch, domain.Settings.Epochs) });
                }
                else if (e.State is { IsFinal: true } state)
                {
                    final = state;
                }
            }
        }
        finally
        {
            if (final is null)
            {
                // The caller left (cancel, deadline, broken connection) or the stream failed: the job ends with the call.
                try
                {
                    await jobs.CancelAsync(job.Id, context.Deadline <= DateTime.UtcNow ? "The Train call's deadline passed; nothing was published." : "The Train call was cancelled; nothing was published.", CancellationToken.None);
                }
                catch (ServiceException)
                {
                    // Already finished.
                }
            }
        }
        if (final!.State != JobState.Succeeded)
        {
            if (final.Failure is { Kind: JobFailureKind.Cancelled } && context.CancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(final.Failure.Message);
            }
            throw final.Failure?.ToException() ?? ServiceException.Unavailable("Training ended without a result; nothing was published.");
        }
        context.Annotate(final.ModelId, final.ResultVersion);
        var completed = JobMapper.ToApi(final, null, registry).Result;
        await responseStream.WriteAsync(new TrainResponse { Completed = completed });
    }

    public override async Task<UploadDatasetResponse> UploadDataset(IAsyncStreamReader<UploadDatasetRequest> requestStream, ServerCallContext context)
    {
        var builder = new DatasetUploadBuilder();
        var idle = TimeSpan.FromSeconds(datasetOptions.Value.UploadIdleTimeoutSeconds);
        using var idleCts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, idleCts.Token);
        async IAsyncEnumerable<DatasetChunk> Chunks()
        {
            while (true)
            {
                idleCts.CancelAfter(idle);
                bool more;
                try
                {
                    more = await requestStream.MoveNext(linked.Token);
                }
                catch (OperationCanceledException) when (idleCts.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
                {
                    throw new ServiceException(ServiceError.DeadlineExceeded,
                        $"The upload sent nothing for {idle.TotalSeconds:0} s (Datasets:UploadIdleTimeoutSeconds); its partial data was discarded.");
                }
                if (!more)
                {
                    yield break;
                }
                idleCts.CancelAfter(Timeout.InfiniteTimeSpan);
                yield return builder.Map(requestStream.Current);
            }
        }
        var record = await datasets.UploadAsync(Chunks(), context.CancellationToken);
        return new UploadDatasetResponse
        {
            DatasetId = record.Id,
            Rows = record.Summary.Rows,
            SizeBytes = record.Summary.Rows * (record.Summary.FeatureCount + Math.Max(1, record.Summary.TargetColumns)) * 4L,
            Dataset = DatasetMapper.ToApi(record),
        };
    }

    public override async Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context) =>
        new() { Dataset = DatasetMapper.ToApi(await datasets.GetAsync(request.DatasetId, cancellationToken: context.CancellationToken)) };

    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be in [0, {MaxPageSize}] (0 = {DefaultPageSize}), got {request.PageSize}");
        string? after = null;
        if (request.PageToken.Length > 0)
        {
            after = DecodeToken(request.PageToken);
            v.Check(after is not null, "page_token", "is not a token returned by ListDatasets");
        }
        v.ThrowIfAny();
        int size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await datasets.ListAsync(after, size + 1, context.CancellationToken);
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(page.Take(size).Select(DatasetMapper.ToApi));
        if (page.Count > size)
        {
            response.NextPageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + page[size - 1].Id));
        }
        return response;
    }

    public override async Task<DeleteDatasetResponse> DeleteDataset(DeleteDatasetRequest request, ServerCallContext context)
    {
        await datasets.DeleteAsync(request.DatasetId, context.CancellationToken);
        return new DeleteDatasetResponse();
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
            if (OptimizerResume.Select(loaded.OptimizerState, settings, model.Parameters, reset: false) is { } state)
            {
                optimizer.ImportState(state, model.Parameters);
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

    private static string? DecodeToken(string token)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("after:", StringComparison.Ordinal) && DatasetIds.IsValid(text[6..]) ? text[6..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
