using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;
using DropoutService.Server.Storage;
using DropoutService.Server.Training;

namespace DropoutService.Server.Jobs;

public sealed partial class JobManager
{
    /// <summary>
    /// Start-up: sweeps abandoned uploads, loads the jobs; jobs of Train calls (which ended with the
    /// previous process) are cancelled, RUNNING jobs are queued first to resume, QUEUED jobs stay queued.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await datasetStore.InitializeAsync(cancellationToken);
            await store.InitializeAsync(cancellationToken);
            var open = (await store.ListAsync(new JobQuery(null, new HashSet<JobState> { JobState.Queued, JobState.Running, JobState.Cancelling }, null, int.MaxValue), cancellationToken))
                .OrderBy(j => j.State == JobState.Queued).ThenBy(j => j.CreatedUnixMs).ThenBy(j => j.Id, StringComparer.Ordinal).ToArray();
            foreach (var record in open)
            {
                var epochs = await store.ReadEpochsAsync(record.Id, cancellationToken);
                var job = new ActiveJob(record with { EpochsCompleted = epochs.Count }, new JobFeed(record with { EpochsCompleted = epochs.Count }, epochs), null) { Resumed = record.State != JobState.Queued };
                if (record.Origin == JobOrigin.Train || record.State == JobState.Cancelling)
                {
                    string why = record.Origin == JobOrigin.Train
                        ? "The server restarted; the Train call that ran this job ended with it."
                        : "Cancelled (the cancel was requested before the server restarted).";
                    await FinishAsync(job, job.Record with { State = JobState.Cancelled, Failure = new JobFailure(JobFailureKind.Cancelled, why) }, null, pinned: false);
                    continue;
                }
                if (record.DatasetId is { } datasetId)
                {
                    try
                    {
                        await datasets.PinAsync(datasetId, "dataset_id", cancellationToken);
                    }
                    catch (ServiceException e)
                    {
                        await FinishAsync(job, job.Record with { State = JobState.Failed, Failure = JobFailure.From(e) }, null, pinned: false);
                        continue;
                    }
                }
                lock (_gate)
                {
                    _active[record.Id] = job;
                    _queue.Add(record.Id);
                }
                if (job.Resumed)
                {
                    ServerLog.JobResuming(logger, record.Id, record.ModelId, epochs.Count);
                }
            }
            _ready.TrySetResult();
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
        _wake.Release();
    }

    /// <summary>Starts queued jobs in order while slots are free, until shutdown; then waits for running jobs to stop.</summary>
    public async Task RunSchedulerAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            bool blocked = false;
            List<(ActiveJob Job, TrainingSlots.Slot Slot, ModelEntry Entry)> starts = [];
            List<ActiveJob> orphans = [];
            List<(ActiveJob Job, JobFailure Failure)> refused = [];
            lock (_gate)
            {
                foreach (var id in _queue.ToArray())
                {
                    var job = _active[id];
                    ModelEntry entry;
                    try
                    {
                        entry = registry.Get(job.Record.ModelId);
                    }
                    catch (ServiceException)
                    {
                        _queue.Remove(id);
                        orphans.Add(job);
                        continue;
                    }
                    var slot = slots.TryTake();
                    if (slot is null)
                    {
                        break;
                    }
                    bool writing;
                    try
                    {
                        writing = entry.TryBeginWrite();
                    }
                    catch (StoreException e)
                    {
                        // The store takes no writer (a read-only follower, the database down): the job fails with why.
                        slot.Dispose();
                        _queue.Remove(id);
                        refused.Add((job, JobFailure.From(e)));
                        continue;
                    }
                    if (!writing)
                    {
                        slot.Dispose();
                        blocked = true; // another job or an ApplyGradients writes this model: later
                        continue;
                    }
                    _queue.Remove(id);
                    starts.Add((job, slot, entry));
                }
            }
            foreach (var (job, failure) in refused)
            {
                await FinishAsync(job, job.Feed.Current with { State = JobState.Failed, Failure = failure }, null);
            }
            foreach (var job in orphans)
            {
                await FinishAsync(job, job.Feed.Current with { State = JobState.Failed, Failure = new JobFailure(JobFailureKind.NotFound, $"Model '{job.Record.ModelId}' was deleted while the job was queued.") }, null);
            }
            foreach (var (job, slot, entry) in starts)
            {
                var task = Task.Run(() => ExecuteAsync(job, slot, entry), CancellationToken.None);
                lock (_gate)
                {
                    _running.Add(task);
                }
            }
            try
            {
                await _wake.WaitAsync(blocked ? TimeSpan.FromMilliseconds(100) : Timeout.InfiniteTimeSpan, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
            foreach (var job in _active.Values)
            {
                job.Cts.Cancel();
            }
        }
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (var job in _active.Values)
            {
                job.Feed.End(interrupted: true);
            }
        }
    }

    private async Task ExecuteAsync(ActiveJob job, TrainingSlots.Slot slot, ModelEntry entry)
    {
        JobLease? lease = null;
        bool pinned = job.Record.DatasetId is not null;
        try
        {
            lease = await store.TryAcquireLeaseAsync(job.Record.Id, _owner, s_leaseDuration, CancellationToken.None)
                ?? throw ServiceException.Unavailable("Another server owns this job.");
            job.Record = (await store.GetAsync(job.Record.Id, CancellationToken.None))! with { EpochsCompleted = job.Feed.EpochCount };
            while (true)
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                var record = job.Record with
                {
                    State = JobState.Running,
                    Attempt = job.Record.Attempt + 1,
                    StartedUnixMs = job.Record.StartedUnixMs == 0 ? now : job.Record.StartedUnixMs,
                    ResolvedBaseVersion = job.Record.ResolvedBaseVersion != 0 ? job.Record.ResolvedBaseVersion
                        : job.Record.BaseVersion != 0 ? job.Record.BaseVersion : entry.Latest.Number,
                };
                job.Record = await UpdateAsync(job, record);
                ServerLog.JobRunning(logger, record.Id, record.ModelId, record.Attempt);
                try
                {
                    var outcome = await RunAttemptAsync(job, lease);
                    await FinishAsync(job, job.Record with
                    {
                        State = JobState.Succeeded,
                        ResultVersion = outcome.Version.Number,
                        BestEpoch = outcome.BestEpoch,
                        StoppedEarly = outcome.StoppedEarly,
                    }, lease, pinned);
                    return;
                }
                catch (InvalidDataException e)
                {
                    // A working checkpoint that is corrupt or does not fit: start over, never a wrong model.
                    ServerLog.WorkingCheckpointRejected(logger, job.Record.Id, e.Message);
                    await store.DeleteWorkingCheckpointAsync(job.Record.Id, CancellationToken.None);
                    job.Resumed = false;
                }
            }
        }
        catch (Exception e)
        {
            var (state, failure) = Classify(job, e);
            if (state is null)
            {
                // Shutdown: the job stays RUNNING in the store with its working checkpoint and resumes at the next start.
                ServerLog.JobInterrupted(logger, job.Record.Id, job.Record.ModelId);
                return;
            }
            if (failure.Kind == JobFailureKind.Internal)
            {
                ServerLog.JobCrashed(logger, job.Record.Id, job.Record.ModelId, e);
            }
            await FinishAsync(job, job.Record with { State = state.Value, Failure = failure }, lease, pinned);
        }
        finally
        {
            entry.EndWrite();
            slot.Dispose();
            _wake.Release();
        }
    }

    private async Task<TrainingOutcome> RunAttemptAsync(ActiveJob job, JobLease lease)
    {
        var record = job.Record;
        var plan = job.Plan ?? new TrainingPlan(
            new TrainingRequest(record.ModelId, record.BaseVersion, null, record.DatasetId, null, record.Settings), registry.Get(record.ModelId), null);
        var data = job.Data ?? (record.DatasetId is { } datasetId
            ? await datasets.LoadAsync(datasetId, job.Cts.Token)
            : await LoadInputAsync(record.Id, JobInput.Training) ?? throw new ServiceException(ServiceError.DataLoss, $"Job '{record.Id}' lost its inline training data."));
        var validation = job.Validation ?? (record.HasInlineValidation ? await LoadInputAsync(record.Id, JobInput.Validation) : null);
        TrainingState? resume = null;
        if (job.Resumed && options.Value.WorkingCheckpoints)
        {
            resume = await LoadWorkingCheckpointAsync(record.Id);
        }
        using var deadline = new CancellationTokenSource(Remaining(record, resume), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Cts.Token, deadline.Token);
        var writer = record.Origin == JobOrigin.StartTraining && options.Value.WorkingCheckpoints ? new WorkingCheckpointWriter(store, lease) : null;
        var run = runner.Start(plan, record.ResolvedBaseVersion, data, validation, resume, writer is null ? null : (_, b) => writer.Enqueue(b), linked.Token);
        await foreach (var epoch in run.Epochs)
        {
            if (epoch.Epoch > job.Feed.EpochCount)
            {
                await store.AppendEpochAsync(lease, epoch, CancellationToken.None);
                job.Record = job.Record with { EpochsCompleted = epoch.Epoch };
                job.Feed.AddEpoch(epoch);
                job.Feed.SetState(job.Feed.Current with { EpochsCompleted = epoch.Epoch });
            }
        }
        try
        {
            return await run.Completion;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !job.Cts.IsCancellationRequested)
        {
            throw new ServiceException(ServiceError.DeadlineExceeded, $"The job ran longer than its maximum duration of {record.MaxDurationSeconds} s; nothing was published.");
        }
        finally
        {
            if (writer is not null)
            {
                try
                {
                    await writer.DrainAsync();
                }
                catch (Exception e) when (e is IOException or JobConflictException or UnauthorizedAccessException)
                {
                    ServerLog.WorkingCheckpointRejected(logger, record.Id, "writing it failed: " + e.Message);
                }
            }
        }
    }

    private TimeSpan Remaining(JobRecord record, TrainingState? resume)
    {
        var left = TimeSpan.FromSeconds(record.MaxDurationSeconds) - (resume?.Elapsed ?? TimeSpan.Zero);
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    private async Task<TrainingState?> LoadWorkingCheckpointAsync(string id)
    {
        byte[]? bytes;
        try
        {
            bytes = await store.LoadWorkingCheckpointAsync(id, CancellationToken.None);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"the working checkpoint cannot be read: {e.Message}", e);
        }
        if (bytes is null)
        {
            ServerLog.WorkingCheckpointRejected(logger, id, "there is none (the job had not finished an epoch); starting from the beginning");
            return null;
        }
        try
        {
            return TrainingStateFile.Deserialize(bytes);
        }
        catch (CheckpointException e)
        {
            throw new InvalidDataException($"the working checkpoint is unreadable: {e.Message}", e);
        }
    }

    private async Task<Dataset?> LoadInputAsync(string id, JobInput input)
    {
        await using var stream = await store.OpenInputAsync(id, input, CancellationToken.None);
        return stream is null ? null : DatasetFile.Read(stream, $"{id} ({input} input)");
    }

    private (JobState? State, JobFailure Failure) Classify(ActiveJob job, Exception e) => e switch
    {
        OperationCanceledException when job.CancelReason is { } reason => (JobState.Cancelled, new JobFailure(JobFailureKind.Cancelled, reason)),
        OperationCanceledException when lifetime.Draining && job.Record.Origin == JobOrigin.Train =>
            (JobState.Cancelled, new JobFailure(JobFailureKind.Unavailable, "Training cancelled: the server is shutting down; nothing was published.")),
        OperationCanceledException when lifetime.Draining => (null, new JobFailure(JobFailureKind.Unavailable, "interrupted by shutdown")),
        TrainingDivergedException d => (JobState.Failed, new JobFailure(JobFailureKind.InvalidArgument, d.Message, [new FieldViolation("options.learning_rate", d.Message)])),
        RequestValidationException v => (JobState.Failed, JobFailure.From(v)),
        ServiceException s => (JobState.Failed, JobFailure.From(s)),
        StoreException s => (JobState.Failed, JobFailure.From(s)),
        _ => (JobState.Failed, new JobFailure(JobFailureKind.Internal, $"Internal error ({e.GetType().Name}); see the server log. Nothing was published.")),
    };

    private async Task FinishAsync(ActiveJob job, JobRecord final, JobLease? lease, bool pinned = true)
    {
        final = final with { EndedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(), Lease = null };
        try
        {
            job.Record = await UpdateAsync(job, final);
        }
        catch (Exception e) when (e is IOException or JobConflictException or UnauthorizedAccessException)
        {
            ServerLog.JobCrashed(logger, final.Id, final.ModelId, e);
            job.Feed.SetState(final);
        }
        await store.DeleteWorkingCheckpointAsync(final.Id, CancellationToken.None);
        if (pinned && final.DatasetId is { } datasetId)
        {
            datasets.Unpin(datasetId);
        }
        lock (_gate)
        {
            _active.Remove(final.Id);
            _queue.Remove(final.Id);
        }
        job.Feed.End(interrupted: false);
        ServerLog.JobEnded(logger, final.Id, final.ModelId, final.State.ToString(), final.Failure?.Message ?? "");
        await PruneAsync();
    }

    private async Task<JobRecord> UpdateAsync(ActiveJob job, JobRecord record)
    {
        var stored = await store.GetAsync(record.Id, CancellationToken.None);
        var next = await store.UpdateAsync(record with { Revision = stored?.Revision ?? record.Revision, Lease = stored?.Lease }, CancellationToken.None);
        job.Feed.SetState(next);
        return next;
    }

    private async Task PruneAsync()
    {
        var finished = await store.ListAsync(new JobQuery(null, new HashSet<JobState> { JobState.Succeeded, JobState.Failed, JobState.Cancelled }, null, int.MaxValue), CancellationToken.None);
        foreach (var old in finished.Skip(options.Value.MaxFinishedJobs))
        {
            await store.DeleteAsync(old.Id, CancellationToken.None);
        }
    }
}
