namespace DropoutService.Server.Jobs;

/// <summary>Where a job is: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED, CANCELLING while a cancelled job stops.</summary>
public enum JobState
{
    Queued = 1,
    Running = 2,
    Cancelling = 3,
    Succeeded = 4,
    Failed = 5,
    Cancelled = 6,
}
