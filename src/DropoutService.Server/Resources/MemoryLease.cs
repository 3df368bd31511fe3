namespace DropoutService.Server.Resources;

/// <summary>Bytes reserved in the <see cref="MemoryBudget"/>; disposing releases them (once).</summary>
public sealed class MemoryLease : IDisposable
{
    private MemoryBudget? _budget;

    internal MemoryLease(MemoryBudget budget, long bytes)
    {
        _budget = budget;
        Bytes = bytes;
    }

    public long Bytes { get; }

    public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release(Bytes);
}
