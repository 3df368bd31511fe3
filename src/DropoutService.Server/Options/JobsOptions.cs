using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>Training jobs (configuration section <c>Jobs</c>); Limits:MaxConcurrentTrainings bounds how many run at once.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Most jobs waiting (QUEUED) at once; StartTraining or Train beyond it gets RESOURCE_EXHAUSTED.</summary>
    [Range(0, 100_000)]
    public int MaxQueuedJobs { get; set; } = 100;

    /// <summary>Longest run time of a job (training time over all its attempts; queueing does not count); past it the job FAILS with DEADLINE_EXCEEDED. Also the upper bound of a request's max_duration_seconds.</summary>
    [Range(1, 365L * 24 * 3600)]
    public long MaxJobDurationSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Finished jobs kept (records, metrics); the oldest are deleted beyond it.</summary>
    [Range(1, 1_000_000)]
    public int MaxFinishedJobs { get; set; } = 1000;

    /// <summary>Write a working checkpoint at the end of every epoch so a job survives a crash or restart. Off: a restarted job starts over (attempt + 1).</summary>
    public bool WorkingCheckpoints { get; set; } = true;
}
