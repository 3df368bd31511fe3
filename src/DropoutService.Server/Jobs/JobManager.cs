using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;
using DropoutService.Server.Hosting;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Training;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Jobs;

/// <summary>
/// The job use cases: start (checked once, then queued), get, list, cancel, watch, and the
/// scheduler that runs queued jobs in FIFO order while a training slot
/// (Limits:MaxConcurrentTrainings) and the model's writer slot are free. Running jobs write a
/// working checkpoint every epoch; on start-up, jobs that were running resume from it.
/// </summary>
public sealed partial class JobManager(
    IJobStore store,
    DatasetCatalog datasets,
    IDatasetStore datasetStore,
    TrainingRunner runner,
    TrainingSlots slots,
    ModelRegistry registry,
    ServerLifetime lifetime,
    TimeProvider time,
    IOptions<JobsOptions> options,
    ILogger<JobManager> logger)
{
    private static readonly TimeSpan s_leaseDuration = TimeSpan.FromMinutes(1);

    private readonly string _owner = "pid-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, ActiveJob> _active = new(StringComparer.Ordinal);
    private readonly List<string> _queue = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _running = [];

    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public Task WaitReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Checks the request, stores the job (with its inline data) and queues it.</summary>
    public async Task<JobRecord> StartAsync(TrainingRequest request, JobOrigin origin, string? requestId, long maxDurationSeconds, CancellationToken cancellationToken)
    {
        await WaitReadyAsync(cancellationToken);
        if (lifetime.Draining)
        {
            throw ServiceException.Unavailable("The server is shutting down; start the job again on another replica or after the restart.");
        }
        long limit = options.Value.MaxJobDurationSeconds;
        if (maxDurationSeconds < 0 || maxDurationSeconds > limit)
        {
            throw new RequestValidationException("max_duration_seconds", $"must be in [0, {limit}] (0 = {limit}, Jobs:MaxJobDurationSeconds), got {maxDurationSeconds}");
        }
        if (requestId is not null && await store.FindByRequestIdAsync(requestId, cancellationToken) is { } earlier)
        {
            return earlier;
        }
        var plan = await runner.PrepareAsync(request, cancellationToken);
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (requestId is not null && await store.FindByRequestIdAsync(requestId, cancellationToken) is { } raced)
            {
                return raced;
            }
            lock (_gate)
            {
                int max = options.Value.MaxQueuedJobs;
                if (_queue.Count >= max && (max > 0 || slots.Active >= slots.Limit))
                {
                    throw ServiceException.ResourceExhausted(
                        $"{_queue.Count} jobs are queued and {slots.Active} running; the limits are {max} (Jobs:MaxQueuedJobs) and {slots.Limit} (Limits:MaxConcurrentTrainings). Retry later.");
                }
            }
            if (request.DatasetId is { } datasetId)
            {
                await datasets.PinAsync(datasetId, "dataset_id", cancellationToken);
            }
            var record = new JobRecord
            {
                Id = JobIds.New(),
                ModelId = plan.Entry.Id,
                Origin = origin,
                BaseVersion = request.BaseVersion,
                DatasetId = request.DatasetId,
                HasInlineValidation = request.Validation is not null,
                Settings = request.Settings,
                CreatedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                RequestId = requestId,
                MaxDurationSeconds = maxDurationSeconds == 0 ? limit : maxDurationSeconds,
            };
            try
            {
                if (origin == JobOrigin.StartTraining)
                {
                    // Inline data is kept with the job so that it survives a restart.
                    if (request.Data is { } data)
                    {
                        await store.SaveInputAsync(record.Id, JobInput.Training, await DatasetBytes.EncodeAsync(data, cancellationToken), cancellationToken);
                    }
                    if (request.Validation is { } validation)
                    {
                        await store.SaveInputAsync(record.Id, JobInput.Validation, await DatasetBytes.EncodeAsync(validation, cancellationToken), cancellationToken);
                    }
                }
                record = await store.CreateAsync(record, cancellationToken);
            }
            catch
            {
                if (request.DatasetId is { } id)
                {
                    datasets.Unpin(id);
                }
                throw;
            }
            var job = new ActiveJob(record, new JobFeed(record, []), plan) { Data = request.Data, Validation = request.Validation };
            lock (_gate)
            {
                _active[record.Id] = job;
                _queue.Add(record.Id);
            }
            ServerLog.JobQueued(logger, record.Id, record.ModelId, origin.ToString());
            _wake.Release();
            return record;
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async Task<JobRecord> GetAsync(string id, CancellationToken cancellationToken)
    {
        await WaitReadyAsync(cancellationToken);
        lock (_gate)
        {
            if (_active.TryGetValue(id, out var job))
            {
                return job.Feed.Current;
            }
        }
        return (JobIds.IsValid(id) ? await store.GetAsync(id, cancellationToken) : null)
            ?? throw ServiceException.NotFound($"Job '{(id.Length <= 80 ? id : id[..80] + "…")}' does not exist.");
    }

    public async Task<IReadOnlyList<EpochMetrics>> EpochsAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(id, out var job))
            {
                return job.Feed.Snapshot().Epochs;
            }
        }
        return await store.ReadEpochsAsync(id, cancellationToken);
    }

    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken)
    {
        await WaitReadyAsync(cancellationToken);
        var page = await store.ListAsync(query, cancellationToken);
        lock (_gate)
        {
            return page.Select(j => _active.TryGetValue(j.Id, out var a) ? a.Feed.Current : j).ToArray();
        }
    }

    /// <summary>Cancels a queued or running job; idempotent for a cancelled or cancelling one; FAILED_PRECONDITION for a finished one.</summary>
    public async Task<JobRecord> CancelAsync(string id, string reason, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, cancellationToken);
        ActiveJob? job;
        bool queued;
        lock (_gate)
        {
            _active.TryGetValue(id, out job);
            queued = _queue.Remove(id);
        }
        if (job is null)
        {
            return record.State switch
            {
                JobState.Cancelled => record,
                JobState.Succeeded or JobState.Failed => throw ServiceException.FailedPrecondition($"Job '{id}' already {record.State.ToString().ToUpperInvariant()}; there is nothing to cancel."),
                _ => record,
            };
        }
        if (queued)
        {
            await FinishAsync(job, job.Feed.Current with { State = JobState.Cancelled, Failure = new JobFailure(JobFailureKind.Cancelled, reason) }, null);
            return job.Feed.Current;
        }
        job.CancelReason ??= reason;
        var current = job.Feed.Current;
        if (current.State == JobState.Running)
        {
            job.Record = await UpdateAsync(job, current with { State = JobState.Cancelling });
        }
        await job.Cts.CancelAsync();
        return job.Feed.Current;
    }

    /// <summary>The job's feed when it is active, or null for a finished job (whose events are all in the store).</summary>
    public JobFeed? Feed(string id)
    {
        lock (_gate)
        {
            return _active.TryGetValue(id, out var job) ? job.Feed : null;
        }
    }

    private sealed class ActiveJob(JobRecord record, JobFeed feed, TrainingPlan? plan)
    {
        public JobRecord Record { get; set; } = record;

        public JobFeed Feed { get; } = feed;

        public TrainingPlan? Plan { get; set; } = plan;

        public Dataset? Data { get; set; }

        public Dataset? Validation { get; set; }

        public CancellationTokenSource Cts { get; } = new();

        public string? CancelReason { get; set; }

        public bool Resumed { get; set; }
    }
}
