using DropoutService.Engine.Training;

namespace DropoutService.Server.Jobs;

/// <summary>
/// Where jobs live: records, their epochs, their inline data and their working checkpoints.
/// Backend-neutral (ids, records and bytes; no paths): <see cref="DirectoryJobStore"/> keeps them
/// under the store root's <c>_jobs/</c>; a database backend keeps rows and blobs and uses the
/// leases to share running jobs between replicas (a replica that dies stops renewing, another
/// takes the lease and resumes the job from its working checkpoint).
/// </summary>
public interface IJobStore
{
    /// <summary>Loads the index and removes what dead writers left behind (start-up).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new job. When <see cref="JobRecord.RequestId"/> is already taken, stores nothing
    /// and returns the job that took it (idempotent start).
    /// </summary>
    Task<JobRecord> CreateAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobRecord?> GetAsync(string id, CancellationToken cancellationToken);

    Task<JobRecord?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Jobs newest first (by creation time, then id), filtered and paged by <paramref name="query"/>.</summary>
    Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the job when its <see cref="JobRecord.Revision"/> is still the stored one, and
    /// returns it with the next revision; throws <see cref="JobConflictException"/> otherwise.
    /// </summary>
    Task<JobRecord> UpdateAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>Appends a finished epoch (the lease holder only).</summary>
    Task AppendEpochAsync(JobLease lease, EpochMetrics epoch, CancellationToken cancellationToken);

    Task<IReadOnlyList<EpochMetrics>> ReadEpochsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the job's working checkpoint atomically (the lease holder only). Never a model version.</summary>
    Task SaveWorkingCheckpointAsync(JobLease lease, ReadOnlyMemory<byte> state, CancellationToken cancellationToken);

    /// <summary>The working checkpoint's bytes, or null when there is none.</summary>
    Task<byte[]?> LoadWorkingCheckpointAsync(string id, CancellationToken cancellationToken);

    Task DeleteWorkingCheckpointAsync(string id, CancellationToken cancellationToken);

    /// <summary>Keeps a job's inline data (dataset file bytes) for as long as the job.</summary>
    Task SaveInputAsync(string id, JobInput input, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    Task<Stream?> OpenInputAsync(string id, JobInput input, CancellationToken cancellationToken);

    /// <summary>Removes a job with everything it keeps (retention of finished jobs).</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Takes the job for <paramref name="owner"/> when it has no lease or an expired one (or one of the same owner); null when another owner holds it.</summary>
    Task<JobLease?> TryAcquireLeaseAsync(string id, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends a lease still held; false when it was lost.</summary>
    Task<bool> RenewLeaseAsync(JobLease lease, TimeSpan duration, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(JobLease lease, CancellationToken cancellationToken);
}
