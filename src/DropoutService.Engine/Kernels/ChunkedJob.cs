namespace DropoutService.Engine.Kernels;

// Splits one call into chunks that the calling thread and thread-pool helpers claim one at a
// time. The caller always works too and takes every chunk nobody else has claimed, so a helper
// that the pool starts late costs nothing but the chunk it actually claims; the caller returns
// only once every chunk has finished, which keeps the pinned operands valid for the helpers.
//
// One instance is reused for every call (no allocation per call). A helper queued for an earlier
// call may run during a later one: it claims chunks through a compare-exchange on a state word
// that carries the call's generation, so it can only claim chunks of the call that is current.
internal abstract class ChunkedJob : IThreadPoolWorkItem
{
    // generation (32 bits) | chunk count (16 bits) | next unclaimed chunk (16 bits)
    private long _state;
    private int _done;
    private int _busy;

    // Claims the job for one call; false when another thread's call is using it (then run serially).
    protected bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    // Runs chunks [0, chunks) with up to `helpers` pool threads; the subclass has set its fields.
    protected void RunAndRelease(int chunks, int helpers)
    {
        long generation = (Volatile.Read(ref _state) >> 32) + 1;
        Volatile.Write(ref _done, 0);
        // Publishing the state is the release that makes the subclass's fields visible to helpers.
        Interlocked.Exchange(ref _state, (generation << 32) | ((long)chunks << 16));
        for (int h = 0; h < helpers; h++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        Work();
        var spin = default(SpinWait);
        while (Volatile.Read(ref _done) < chunks)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        Volatile.Write(ref _busy, 0);
    }

    protected abstract void Execute(int chunk, int chunks);

    void IThreadPoolWorkItem.Execute() => Work();

    private void Work()
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            int chunks = (int)((state >> 16) & 0xFFFF), next = (int)(state & 0xFFFF);
            if (next >= chunks)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state)
            {
                continue;
            }
            // The call cannot finish (nor its fields change) before this chunk is counted done.
            Execute(next, chunks);
            Interlocked.Increment(ref _done);
        }
    }
}
