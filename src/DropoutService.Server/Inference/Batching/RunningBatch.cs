namespace DropoutService.Server.Inference.Batching;

/// <summary>Requests running together in one engine pass; its token is cancelled once every one of them has left.</summary>
internal sealed class RunningBatch(QueueEntry[] entries) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _remaining = entries.Length;

    public QueueEntry[] Entries { get; } = entries;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>One request left (its caller cancelled or its deadline passed).</summary>
    public void Left()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _cancellation.Cancel();
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
