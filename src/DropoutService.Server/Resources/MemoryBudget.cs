using System.Diagnostics.Metrics;
using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Resources;

/// <summary>
/// One budget of working memory (<c>Limits:MaxMemoryBytes</c>) shared by every request: work that
/// allocates in proportion to its input (a prediction's activations, a training run's buffers)
/// reserves its bytes here before it allocates them, and gets RESOURCE_EXHAUSTED naming the limit
/// when they do not fit beside what concurrent work holds. Reservations are released by disposing
/// the lease.
/// </summary>
public sealed class MemoryBudget
{
    private long _used;

    public MemoryBudget(IOptions<LimitsOptions> limits, IMeterFactory meters)
    {
        Capacity = Resolve(limits.Value.MaxMemoryBytes);
        var meter = meters.Create(ServiceMeter.Name);
        meter.CreateObservableGauge("dropout.memory.budget.used", () => InUse, "By", "Working memory reserved by running requests (Limits:MaxMemoryBytes).");
        meter.CreateObservableGauge("dropout.memory.budget.limit", () => Capacity, "By", "The working-memory budget (Limits:MaxMemoryBytes).");
    }

    /// <summary>The budget in bytes, with the automatic default resolved.</summary>
    public long Capacity { get; }

    /// <summary>Bytes reserved right now.</summary>
    public long InUse => Volatile.Read(ref _used);

    /// <summary>
    /// Reserves <paramref name="bytes"/> for <paramref name="purpose"/> (a phrase such as
    /// "a prediction of 512 rows"); throws RESOURCE_EXHAUSTED when they do not fit.
    /// </summary>
    public MemoryLease Reserve(long bytes, string purpose)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > Capacity)
        {
            throw ServiceException.ResourceExhausted(
                $"{Capitalize(purpose)} needs {Format(bytes)} of working memory, more than the whole budget of {Format(Capacity)} (Limits:MaxMemoryBytes); send fewer rows or samples.");
        }
        long used = Interlocked.Add(ref _used, bytes);
        if (used > Capacity)
        {
            Interlocked.Add(ref _used, -bytes);
            throw ServiceException.ResourceExhausted(
                $"{Capitalize(purpose)} needs {Format(bytes)} of working memory; {Format(used - bytes)} of the {Format(Capacity)} budget (Limits:MaxMemoryBytes) is held by concurrent requests. Retry later.");
        }
        return new MemoryLease(this, bytes);
    }

    internal void Release(long bytes) => Interlocked.Add(ref _used, -bytes);

    /// <summary>0 means half of the memory available to the process (the container's limit when there is one).</summary>
    public static long Resolve(long configured) =>
        configured > 0 ? configured : Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.##} KiB",
        _ => $"{bytes} bytes",
    };

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
