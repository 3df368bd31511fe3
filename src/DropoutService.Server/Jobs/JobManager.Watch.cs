using System.Runtime.CompilerServices;
using DropoutService.Server.Errors;

namespace DropoutService.Server.Jobs;

public sealed partial class JobManager
{
    /// <summary>
    /// The job's current state, then every epoch from <paramref name="fromEpoch"/> on and every
    /// state change, until the final state. Throws UNAVAILABLE if the server stops first (the job
    /// resumes at the next start; watch again from the next epoch).
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(string id, int fromEpoch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (fromEpoch < 0)
        {
            throw new RequestValidationException("from_epoch", $"must be 0 (every epoch) or a 1-based epoch, got {fromEpoch}");
        }
        var record = await GetAsync(id, cancellationToken);
        var feed = Feed(id);
        if (feed is null)
        {
            yield return new JobEvent(record, null);
            foreach (var e in await store.ReadEpochsAsync(id, cancellationToken))
            {
                if (e.Epoch >= fromEpoch)
                {
                    yield return new JobEvent(null, e);
                }
            }
            yield break;
        }
        var (current, epochs, cursor) = feed.Snapshot();
        yield return new JobEvent(current, null);
        foreach (var e in epochs)
        {
            if (e.Epoch >= fromEpoch)
            {
                yield return new JobEvent(null, e);
            }
        }
        while (true)
        {
            var (events, next, ended) = await feed.NextAsync(cursor, cancellationToken);
            cursor = next;
            foreach (var (epoch, state) in events)
            {
                if (epoch is not null && epoch.Epoch >= fromEpoch)
                {
                    yield return new JobEvent(null, epoch);
                }
                else if (state is not null && !(epoch is null && IsEpochCountOnly(state, ref current)))
                {
                    yield return new JobEvent(state, null);
                }
            }
            if (ended)
            {
                if (feed.Interrupted)
                {
                    throw ServiceException.Unavailable("The server is shutting down; the job resumes when it restarts. Watch again from the next epoch.");
                }
                yield break;
            }
        }
    }

    // A state event that only advances the epoch count is not a state change for watchers.
    private static bool IsEpochCountOnly(JobRecord state, ref JobRecord last)
    {
        bool same = state.State == last.State && state.Attempt == last.Attempt;
        last = state;
        return same;
    }
}
