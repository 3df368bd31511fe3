using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>Counts running trainings against Limits:MaxConcurrentTrainings; a full server refuses rather than queues.</summary>
public sealed class TrainingSlots(IOptions<LimitsOptions> limits)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes a slot or throws RESOURCE_EXHAUSTED; dispose the result to give it back.</summary>
    public Slot Take()
    {
        int max = limits.Value.MaxConcurrentTrainings;
        while (true)
        {
            int current = Volatile.Read(ref _active);
            if (current >= max)
            {
                throw ServiceException.ResourceExhausted($"{current} trainings are running; the limit is {max} (Limits:MaxConcurrentTrainings). Retry later.");
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
