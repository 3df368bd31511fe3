using System.Text;
using DropoutService.Api.V1;
using DropoutService.Server.Errors;
using DropoutService.Server.Jobs;
using DropoutService.Server.Mapping;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using Grpc.Core;
using Microsoft.Extensions.Options;
using JobOrigin = DropoutService.Server.Jobs.JobOrigin;
using JobState = DropoutService.Server.Jobs.JobState;

namespace DropoutService.Server.Grpc;

/// <summary>dropout.v1.JobService: map, call <see cref="JobManager"/>, map back.</summary>
public sealed class JobGrpcService(JobManager jobs, ModelRegistry registry, IOptions<LimitsOptions> limits) : JobService.JobServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<StartTrainingResponse> StartTraining(StartTrainingRequest request, ServerCallContext context)
    {
        context.Annotate(request.ModelId);
        if (request.RequestId.Length > 0 && !JobIds.IsValidRequestId(request.RequestId))
        {
            throw new RequestValidationException("request_id", "must be 1 to 128 characters of [A-Za-z0-9._:-]");
        }
        var domain = TrainingRequestMapper.ToDomain(request.ModelId, request.BaseVersion,
            request.DataCase == StartTrainingRequest.DataOneofCase.Dataset ? request.Dataset : null,
            request.DataCase == StartTrainingRequest.DataOneofCase.DatasetId ? request.DatasetId : null,
            request.Options, request.ValidationDataset, limits.Value);
        var job = await jobs.StartAsync(domain, JobOrigin.StartTraining, request.RequestId.Length > 0 ? request.RequestId : null, request.MaxDurationSeconds, context.CancellationToken);
        return new StartTrainingResponse { Job = JobMapper.ToApi(job, null, registry) };
    }

    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var job = await jobs.GetAsync(request.JobId, context.CancellationToken);
        context.Annotate(job.ModelId);
        return new GetJobResponse { Job = JobMapper.ToApi(job, await jobs.EpochsAsync(job.Id, context.CancellationToken), registry) };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be in [0, {MaxPageSize}] (0 = {DefaultPageSize}), got {request.PageSize}");
        (long, string)? after = null;
        if (request.PageToken.Length > 0)
        {
            after = DecodeToken(request.PageToken);
            v.Check(after is not null, "page_token", "is not a token returned by ListJobs");
        }
        var states = new HashSet<JobState>();
        foreach (var s in request.States)
        {
            if (JobMapper.ToDomain(s) is { } state)
            {
                states.Add(state);
            }
            else
            {
                v.Add("states", $"unknown job state {(int)s}");
            }
        }
        if (request.ModelId.Length > 0)
        {
            ModelId.Validate(request.ModelId);
        }
        v.ThrowIfAny();
        int size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await jobs.ListAsync(new JobQuery(request.ModelId.Length > 0 ? request.ModelId : null, states, after, size + 1), context.CancellationToken);
        var response = new ListJobsResponse();
        response.Jobs.AddRange(page.Take(size).Select(j => JobMapper.ToApi(j, null, registry)));
        if (page.Count > size)
        {
            var last = page[size - 1];
            response.NextPageToken = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedUnixMs}:{last.Id}"));
        }
        return response;
    }

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<WatchJobResponse> responseStream, ServerCallContext context)
    {
        int total = 0;
        await foreach (var e in jobs.WatchAsync(request.JobId, request.FromEpoch, context.CancellationToken))
        {
            if (e.State is { } state)
            {
                context.Annotate(state.ModelId);
                total = state.Settings.Epochs;
                await responseStream.WriteAsync(new WatchJobResponse { Job = JobMapper.ToApi(state, null, registry) });
            }
            else
            {
                await responseStream.WriteAsync(new WatchJobResponse { Epoch = JobMapper.ToApi(e.Epoch!, total) });
            }
        }
    }

    public override async Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var job = await jobs.CancelAsync(request.JobId, "Cancelled by CancelJob; nothing was published.", context.CancellationToken);
        context.Annotate(job.ModelId);
        return new CancelJobResponse { Job = JobMapper.ToApi(job, null, registry) };
    }

    private static (long, string)? DecodeToken(string token)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            int colon = text.IndexOf(':');
            return colon > 0 && long.TryParse(text[..colon], out long created) && JobIds.IsValid(text[(colon + 1)..]) ? (created, text[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
