using System.Threading.Channels;
using DropoutService.Engine.Training;

namespace DropoutService.Server.Training;

/// <summary>A training in progress: its epochs as they finish, then the outcome (the published version).</summary>
public sealed class TrainingRun(ChannelReader<EpochMetrics> epochs, Task<TrainingOutcome> completion)
{
    /// <summary>Every finished epoch's metrics; ends when training ends (read <see cref="Completion"/> for how).</summary>
    public IAsyncEnumerable<EpochMetrics> Epochs => epochs.ReadAllAsync(CancellationToken.None);

    /// <summary>The published version, or the exception that stopped training.</summary>
    public Task<TrainingOutcome> Completion { get; } = completion;
}
