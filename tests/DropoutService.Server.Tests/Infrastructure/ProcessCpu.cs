namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// CPU time of this process's threads (Linux, /proc/self/task/*/schedstat, nanoseconds), without
/// the runtime's tiered-compilation thread: it recompiles hot methods in a burst ~100 ms after a
/// workload settles, which is the test host's own JIT work and not the server's.
/// </summary>
public static class ProcessCpu
{
    private const string TieredCompilation = ".NET Tiered Com";

    public static double Milliseconds()
    {
        long total = 0;
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n') == TieredCompilation)
                {
                    continue;
                }
                var fields = File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ');
                total += long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The thread exited while we read it.
            }
        }
        return total / 1e6;
    }
}
