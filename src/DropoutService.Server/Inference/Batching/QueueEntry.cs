using System.Diagnostics;

namespace DropoutService.Server.Inference.Batching;

/// <summary>
/// A request's place in a <see cref="BatchQueue"/>: waiting, then running in a batch, then done.
/// Its caller awaits <see cref="Completion"/>; cancelling the caller's token while the request
/// waits removes it from the queue, while it runs detaches it from its batch (which stops only
/// once all of its requests have left). State changes happen under the queue's lock.
/// </summary>
internal sealed class QueueEntry(InferenceRequest request)
{
    private CancellationTokenRegistration _registration;

    public InferenceRequest Request { get; } = request;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkedListNode<QueueEntry>? Node { get; set; }

    public RunningBatch? Batch { get; set; }

    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

    public CancellationToken CallerToken { get; private set; }

    public void Watch(BatchQueue queue, CancellationToken token)
    {
        CallerToken = token;
        _registration = token.UnsafeRegister(static (state, t) => ((BatchQueue)((object[])state!)[0]).Leave((QueueEntry)((object[])state!)[1], t), new object[] { queue, this });
    }

    /// <summary>Stops watching the caller's token (never waits for a running callback).</summary>
    public void Unwatch() => _registration.Unregister();
}
