namespace DropoutService.LoadTest;

/// <summary>
/// One measurement: calls per second, median and 99th-percentile latency in µs, and the server's
/// processor time per call in µs (NaN when the server is not our child process): the cost of a
/// call, which depends far less than throughput on what else the machine runs.
/// </summary>
internal sealed record Stats(double Throughput, double P50, double P99, double ServerCpuPerCall)
{
    /// <summary>The element-wise median of repeated measurements of one cell.</summary>
    public static Stats Median(IReadOnlyList<Stats> runs) =>
        new(MedianOf(runs.Select(r => r.Throughput)), MedianOf(runs.Select(r => r.P50)), MedianOf(runs.Select(r => r.P99)), MedianOf(runs.Select(r => r.ServerCpuPerCall)));

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
