namespace DropoutService.Server.Jobs;

/// <summary>A job update based on a stale revision, or a write under a lease that is no longer held.</summary>
public sealed class JobConflictException(string message) : Exception(message);
