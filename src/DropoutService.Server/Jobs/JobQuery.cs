namespace DropoutService.Server.Jobs;

/// <summary>A page of jobs, newest first: optionally of one model and in some states, after a cursor (the last job of the previous page).</summary>
public sealed record JobQuery(string? ModelId, IReadOnlySet<JobState>? States, (long CreatedUnixMs, string Id)? After, int Limit);
