using DropoutService.Engine.Training;

namespace DropoutService.Server.Jobs;

/// <summary>
/// One job's events for its watchers, in memory while the job is queued or running: every epoch
/// and every state change, append-only. Each watcher keeps its own cursor, so a slow watcher never
/// holds up training or another watcher, and a watcher that reconnects replays from any epoch.
/// </summary>
public sealed class JobFeed
{
    private readonly Lock _gate = new();
    private readonly List<EpochMetrics> _epochs;
    private readonly List<(EpochMetrics? Epoch, JobRecord? State)> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JobRecord _current;

    public JobFeed(JobRecord current, IEnumerable<EpochMetrics> epochs)
    {
        _current = current;
        _epochs = [.. epochs];
    }

    /// <summary>True once the job is final or the server stops following it (shutdown).</summary>
    public bool Ended { get; private set; }

    /// <summary>The server stopped before the job ended (the job resumes at the next start).</summary>
    public bool Interrupted { get; private set; }

    public JobRecord Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public int EpochCount
    {
        get
        {
            lock (_gate)
            {
                return _epochs.Count;
            }
        }
    }

    public void AddEpoch(EpochMetrics epoch) => Publish(epoch, null);

    public void SetState(JobRecord record) => Publish(null, record);

    public void End(bool interrupted)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            Ended = true;
            Interrupted = interrupted;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>The current state, every epoch so far, and the cursor after them.</summary>
    public (JobRecord Record, EpochMetrics[] Epochs, int Cursor) Snapshot()
    {
        lock (_gate)
        {
            return (_current, _epochs.ToArray(), _events.Count);
        }
    }

    /// <summary>Events after <paramref name="cursor"/>, waiting for one when there are none and the feed has not ended.</summary>
    public async Task<((EpochMetrics? Epoch, JobRecord? State)[] Events, int Cursor, bool Ended)> NextAsync(int cursor, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_events.Count > cursor || Ended)
                {
                    return (_events.Skip(cursor).ToArray(), _events.Count, Ended);
                }
                wait = _changed.Task;
            }
            await wait.WaitAsync(cancellationToken);
        }
    }

    private void Publish(EpochMetrics? epoch, JobRecord? state)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (epoch is not null)
            {
                if (epoch.Epoch <= _epochs.Count)
                {
                    return; // recomputed after a resume: already reported
                }
                _epochs.Add(epoch);
            }
            if (state is not null)
            {
                _current = state;
            }
            _events.Add((epoch, state));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }
}
