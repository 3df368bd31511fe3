namespace DropoutService.LoadTest;

/// <summary>One measurement: calls per second, median and 99th-percentile latency in µs.</summary>
internal sealed record Stats(double Throughput, double P50, double P99)
{
    /// <summary>The element-wise median of repeated measurements of one cell.</summary>
    public static Stats Median(IReadOnlyList<Stats> runs) =>
        new(MedianOf(runs.Select(r => r.Throughput)), MedianOf(runs.Select(r => r.P50)), MedianOf(runs.Select(r => r.P99)));

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
