using System.Diagnostics;

namespace DropoutService.LoadTest;

/// <summary>Closed-loop load: N workers each calling back to back for a fixed time.</summary>
internal static class LoadRunner
{
    /// <summary>
    /// Warms up (connections, JIT, replica pools), then runs <paramref name="concurrency"/> workers
    /// for <paramref name="seconds"/>; worker w calls <paramref name="call"/>(w).
    /// <paramref name="serverCpu"/> reads the server's processor time, when it is known.
    /// </summary>
    public static async Task<Stats> MeasureAsync(Func<int, Task> call, int concurrency, double seconds, Func<TimeSpan>? serverCpu, int warmup = 100)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            for (int i = 0; i < Math.Max(1, warmup / concurrency); i++)
            {
                await call(w);
            }
        }));
        var latencies = new List<double>[concurrency];
        var cpuBefore = serverCpu?.Invoke();
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            while (clock.Elapsed < until)
            {
                long start = Stopwatch.GetTimestamp();
                await call(w);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        double elapsed = clock.Elapsed.TotalSeconds;
        var cpu = serverCpu?.Invoke() - cpuBefore;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Stats(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), cpu is { } used ? used.TotalMicroseconds / all.Length : double.NaN);
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
