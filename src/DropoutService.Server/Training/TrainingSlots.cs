using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Training;

/// <summary>Counts running trainings against Limits:MaxConcurrentTrainings; jobs beyond it wait in the queue.</summary>
public sealed class TrainingSlots(IOptions<LimitsOptions> limits)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    public int Limit => limits.Value.MaxConcurrentTrainings;

    /// <summary>Takes a slot, or returns null when all are taken; dispose the result to give it back.</summary>
    public Slot? TryTake()
    {
        while (true)
        {
            int current = Volatile.Read(ref _active);
            if (current >= Limit)
            {
                return null;
            }
            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current)
            {
                return new Slot(this);
            }
        }
    }

    public sealed class Slot(TrainingSlots owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._active);
            }
        }
    }
}
