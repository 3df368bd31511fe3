using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Jobs;

/// <summary>
/// Jobs as folders <c>{store root}/_jobs/{job id}/</c>: <c>job.json</c> (the record, replaced
/// atomically), <c>epochs.jsonl</c> (one line per finished epoch, appended and flushed),
/// <c>state.trst</c> (the working checkpoint, replaced atomically each epoch), <c>train.dset</c>
/// and <c>validation.dset</c> (inline data). The records are indexed in memory. One owner process
/// per store directory: a lease left by a previous process is expired at start-up.
/// </summary>
public sealed class DirectoryJobStore(IOptions<StoreOptions> options, TimeProvider time) : IJobStore
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    private readonly string _root = Path.Combine(Path.GetFullPath(options.Value.Path), "_jobs");
    private readonly Dictionary<string, JobRecord> _index = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        DurableFile.SweepTemps(_root);
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            string id = Path.GetFileName(dir);
            string file = Path.Combine(dir, "job.json");
            if (!JobIds.IsValid(id) || !File.Exists(file))
            {
                continue; // a job folder without a record: its creation never completed
            }
            try
            {
                var record = JsonSerializer.Deserialize<JobRecord>(await File.ReadAllBytesAsync(file, cancellationToken), Json);
                if (record is not null && record.Id == id)
                {
                    lock (_gate)
                    {
                        _index[id] = record with { Lease = null };
                    }
                }
            }
            catch (JsonException)
            {
                // An unreadable record is skipped (left for inspection); the job is not listed.
            }
        }
    }

    public async Task<JobRecord> CreateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (job.RequestId is { } rid && _index.Values.FirstOrDefault(j => j.RequestId == rid) is { } existing)
            {
                return existing;
            }
            if (_index.ContainsKey(job.Id))
            {
                throw new JobConflictException($"Job '{job.Id}' exists.");
            }
            _index[job.Id] = job with { Revision = 1 };
        }
        var stored = job with { Revision = 1 };
        try
        {
            Directory.CreateDirectory(DirOf(job.Id));
            await WriteRecordAsync(stored, cancellationToken);
        }
        catch (Exception e)
        {
            // A job that could not be recorded does not exist: nothing is left behind (a full or
            // read-only store answers RESOURCE_EXHAUSTED or FAILED_PRECONDITION, not INTERNAL).
            lock (_gate)
            {
                _index.Remove(job.Id);
            }
            try
            {
                Directory.Delete(DirOf(job.Id), recursive: true);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Swept at the next start.
            }
            throw e is IOException or UnauthorizedAccessException ? FileSystemErrors.ForWrite(e, "the training job's record") : e;
        }
        return stored;
    }

    public Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_index.GetValueOrDefault(id));
        }
    }

    public Task<JobRecord?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_index.Values.FirstOrDefault(j => j.RequestId == requestId));
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IEnumerable<JobRecord> jobs = _index.Values;
            if (query.ModelId is { } model)
            {
                jobs = jobs.Where(j => j.ModelId == model);
            }
            if (query.States is { Count: > 0 } states)
            {
                jobs = jobs.Where(j => states.Contains(j.State));
            }
            if (query.After is { } after)
            {
                jobs = jobs.Where(j => j.CreatedUnixMs < after.CreatedUnixMs || (j.CreatedUnixMs == after.CreatedUnixMs && string.CompareOrdinal(j.Id, after.Id) < 0));
            }
            return Task.FromResult<IReadOnlyList<JobRecord>>(jobs
                .OrderByDescending(j => j.CreatedUnixMs).ThenByDescending(j => j.Id, StringComparer.Ordinal)
                .Take(query.Limit).ToArray());
        }
    }

    public async Task<JobRecord> UpdateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        JobRecord next;
        lock (_gate)
        {
            if (!_index.TryGetValue(job.Id, out var current) || current.Revision != job.Revision)
            {
                throw new JobConflictException($"Job '{job.Id}' changed since revision {job.Revision}.");
            }
            next = job with { Revision = job.Revision + 1 };
            _index[job.Id] = next;
        }
        await WriteRecordAsync(next, cancellationToken);
        return next;
    }

    public async Task AppendEpochAsync(JobLease lease, EpochMetrics epoch, CancellationToken cancellationToken)
    {
        CheckLease(lease);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(epoch, Json) + "\n");
        await using var stream = new FileStream(Path.Combine(DirOf(lease.JobId), "epochs.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        await stream.WriteAsync(line, cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    public async Task<IReadOnlyList<EpochMetrics>> ReadEpochsAsync(string id, CancellationToken cancellationToken)
    {
        string path = Path.Combine(DirOf(id), "epochs.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }
        var result = new List<EpochMetrics>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            try
            {
                if (JsonSerializer.Deserialize<EpochMetrics>(line, Json) is { } m && m.Epoch == result.Count + 1)
                {
                    result.Add(m);
                }
            }
            catch (JsonException)
            {
                break; // a line torn by a crash ends the log; the epoch is recomputed on resume
            }
        }
        return result;
    }

    public Task SaveWorkingCheckpointAsync(JobLease lease, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        CheckLease(lease);
        return DurableFile.WriteAsync(Path.Combine(DirOf(lease.JobId), "state.trst"), state, cancellationToken);
    }

    public async Task<byte[]?> LoadWorkingCheckpointAsync(string id, CancellationToken cancellationToken)
    {
        string path = Path.Combine(DirOf(id), "state.trst");
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteWorkingCheckpointAsync(string id, CancellationToken cancellationToken)
    {
        DurableFile.TryDelete(Path.Combine(DirOf(id), "state.trst"));
        return Task.CompletedTask;
    }

    public Task SaveInputAsync(string id, JobInput input, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DirOf(id));
        return DurableFile.WriteAsync(InputPath(id, input), bytes, cancellationToken);
    }

    public Task<Stream?> OpenInputAsync(string id, JobInput input, CancellationToken cancellationToken)
    {
        string path = InputPath(id, input);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20) : null);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _index.Remove(id);
        }
        string dir = DirOf(id);
        if (Directory.Exists(dir))
        {
            // The record goes first: a crash mid-delete leaves a folder without a record, ignored at start-up.
            DurableFile.TryDelete(Path.Combine(dir, "job.json"));
            Directory.Delete(dir, recursive: true);
        }
        return Task.CompletedTask;
    }

    public async Task<JobLease?> TryAcquireLeaseAsync(string id, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        JobRecord next;
        JobLease lease;
        lock (_gate)
        {
            if (!_index.TryGetValue(id, out var current))
            {
                return null;
            }
            var now = time.GetUtcNow();
            if (current.Lease is { } held && held.Owner != owner && held.ExpiresAt > now)
            {
                return null;
            }
            lease = new JobLease(id, owner, (current.Lease?.Token ?? 0) + 1, now + duration);
            next = current with { Lease = lease, Revision = current.Revision + 1 };
            _index[id] = next;
        }
        await WriteRecordAsync(next, cancellationToken);
        return lease;
    }

    public Task<bool> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(lease.JobId, out var current) || current.Lease?.Token != lease.Token)
            {
                return Task.FromResult(false);
            }
            // In memory only: with one owner process the lease only matters while it runs.
            _index[lease.JobId] = current with { Lease = lease with { ExpiresAt = time.GetUtcNow() + duration } };
            return Task.FromResult(true);
        }
    }

    public async Task ReleaseLeaseAsync(JobLease lease, CancellationToken cancellationToken)
    {
        JobRecord next;
        lock (_gate)
        {
            if (!_index.TryGetValue(lease.JobId, out var current) || current.Lease?.Token != lease.Token)
            {
                return;
            }
            next = current with { Lease = null, Revision = current.Revision + 1 };
            _index[lease.JobId] = next;
        }
        await WriteRecordAsync(next, cancellationToken);
    }

    private void CheckLease(JobLease lease)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(lease.JobId, out var current) || current.Lease?.Token != lease.Token)
            {
                throw new JobConflictException($"The lease of job '{lease.JobId}' is no longer held.");
            }
        }
    }

    // Record writes of one job are serialised by the job's owner; the index is the truth in between.
    private async Task WriteRecordAsync(JobRecord record, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, Json);
        string dir = DirOf(record.Id);
        if (!Directory.Exists(dir))
        {
            return; // deleted meanwhile
        }
        await DurableFile.WriteAsync(Path.Combine(dir, "job.json"), bytes, cancellationToken);
    }

    private string DirOf(string id) => JobIds.IsValid(id) ? Path.Combine(_root, id) : throw new ArgumentException("Invalid job id.", nameof(id));

    private string InputPath(string id, JobInput input) => Path.Combine(DirOf(id), input == JobInput.Training ? "train.dset" : "validation.dset");
}
