namespace DropoutService.Server.Jobs;

/// <summary>Inline data a job keeps beside its record (stored datasets are referenced by id instead).</summary>
public enum JobInput
{
    Training = 1,
    Validation = 2,
}
