namespace DropoutService.Server.Jobs;

/// <summary>
/// Ownership of a running job by one server process. Every write of a running job's progress
/// (epochs, working checkpoint, state) carries the lease; a store that shares jobs between
/// replicas rejects a write whose <see cref="Token"/> is no longer current (fencing), and hands an
/// expired lease to another replica, which resumes the job. The directory store has one owner
/// process per store directory: leases of a previous process are taken over at start-up.
/// </summary>
public sealed record JobLease(string JobId, string Owner, long Token, DateTimeOffset ExpiresAt);
