using System.Diagnostics;
using DropoutService.Server.Errors;

namespace DropoutService.Server.Inference.Batching;

/// <summary>
/// The dynamic batcher of one kind of work on one model version (its eval passes, or its
/// Monte-Carlo predictions with one sample count). A request that arrives while fewer than
/// <see cref="BatchingSettings.MaxConcurrentBatches"/> batches run starts one itself, on its own
/// thread, taking what is already waiting (with the default delay of 0 a lone caller never waits);
/// otherwise it waits for a running batch to finish, and the next batch takes every waiting
/// request that fits in <see cref="BatchingSettings.MaxBatchRows"/>, oldest first. Each batch
/// after the first runs as a thread-pool work item queued behind the continuations of the callers
/// it answers, so a caller's own response is never held up by later batches.
/// </summary>
internal sealed class BatchQueue(BatchingSettings settings, Action<RunningBatch> execute, string description)
{
    private readonly object _gate = new();
    private readonly LinkedList<QueueEntry> _waiting = new();
    private int _waitingRows;
    private int _running;

    /// <summary>Queues the request (whose rows fit in one batch) and returns when its results are in, or throws why not.</summary>
    public async Task RunAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entry = new QueueEntry(request);
        bool start;
        lock (_gate)
        {
            if (_waitingRows + request.Rows > settings.MaxQueuedRows)
            {
                throw ServiceException.ResourceExhausted(
                    $"The batching queue of {description} holds {_waitingRows} rows; {request.Rows} more would exceed its limit of {settings.MaxQueuedRows} (Inference:Batching:MaxQueuedRows). Retry later.");
            }
            entry.Node = _waiting.AddLast(entry);
            _waitingRows += request.Rows;
            start = _running < settings.MaxConcurrentBatches;
            if (start)
            {
                _running++;
            }
            else if (settings.MaxQueueDelay > TimeSpan.Zero)
            {
                Monitor.PulseAll(_gate);
            }
            request.Entry = entry;
        }
        entry.Watch(this, cancellationToken);
        if (start)
        {
            Drain();
        }
        await entry.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>The caller's token fired: leave the queue, or the running batch.</summary>
    internal void Leave(QueueEntry entry, CancellationToken token)
    {
        lock (_gate)
        {
            if (entry.Node is not null)
            {
                _waiting.Remove(entry.Node);
                entry.Node = null;
                _waitingRows -= entry.Request.Rows;
            }
            else if (entry.Batch is { } batch)
            {
                entry.Batch = null;
                batch.Left();
            }
            else
            {
                return;
            }
        }
        entry.Completion.TrySetCanceled(token);
    }

    // Runs one batch, then gives the thread back: the callers just answered (their continuations
    // are queued behind this work) get to send their next requests, which the next batch — run by a
    // pool work item queued behind them — then takes along. Looping here instead would grab only
    // the few calls that arrived meanwhile and keep batches small under steady load.
    private void Drain()
    {
        var batch = Take();
        if (batch is null)
        {
            return;
        }
        try
        {
            execute(batch);
        }
        catch (Exception e)
        {
            // The executor reports failures itself; this only keeps the queue alive if it cannot.
            foreach (var entry in batch.Entries)
            {
                entry.Completion.TrySetException(e);
            }
        }
        finally
        {
            Finish(batch);
        }
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _running--;
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(static queue => queue.Drain(), this, preferLocal: false);
    }

    // The next batch, or null (and the runner slot given back) when nothing waits.
    private RunningBatch? Take()
    {
        lock (_gate)
        {
            if (_waiting.Count > 0 && settings.MaxQueueDelay > TimeSpan.Zero)
            {
                WaitToFill();
            }
            if (_waiting.Count == 0)
            {
                _running--;
                return null;
            }
            var entries = new List<QueueEntry>();
            int rows = 0;
            while (_waiting.First is { } node && (entries.Count == 0 || rows + node.Value.Request.Rows <= settings.MaxBatchRows))
            {
                var entry = node.Value;
                _waiting.RemoveFirst();
                entry.Node = null;
                rows += entry.Request.Rows;
                entries.Add(entry);
            }
            _waitingRows -= rows;
            var batch = new RunningBatch([.. entries]);
            foreach (var entry in entries)
            {
                entry.Batch = batch;
            }
            return batch;
        }
    }

    // With a queue delay: wait (releasing the lock, so requests can arrive) until a batch is full
    // or the oldest waiting request has waited the delay.
    private void WaitToFill()
    {
        while (_waiting.First is { } oldest && _waitingRows < settings.MaxBatchRows)
        {
            var remaining = settings.MaxQueueDelay - Stopwatch.GetElapsedTime(oldest.Value.EnqueuedAt);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            Monitor.Wait(_gate, remaining);
        }
    }

    private void Finish(RunningBatch batch)
    {
        lock (_gate)
        {
            foreach (var entry in batch.Entries)
            {
                entry.Batch = null;
            }
        }
        foreach (var entry in batch.Entries)
        {
            entry.Unwatch();
        }
        batch.Dispose();
    }
}
