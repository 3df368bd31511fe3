using DropoutService.Engine.Training;

namespace DropoutService.Server.Jobs;

/// <summary>
/// Writes a job's working checkpoints: the state is exported on the training thread at the epoch
/// boundary (a consistent copy), then encoded and written on another thread while the next epoch
/// trains. At most one write is in flight: the next boundary waits for it, so memory holds at
/// most two states.
/// </summary>
public sealed class WorkingCheckpointWriter(IJobStore store, JobLease lease)
{
    private Task _pending = Task.CompletedTask;

    public void Enqueue(EpochBoundary boundary)
    {
        _pending.GetAwaiter().GetResult();
        var state = boundary.ExportState();
        _pending = Task.Run(() => store.SaveWorkingCheckpointAsync(lease, TrainingStateFile.Serialize(state), CancellationToken.None));
    }

    /// <summary>Waits for the last write; its failure is the caller's to log.</summary>
    public Task DrainAsync() => _pending;
}
