using System.Diagnostics;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Xunit.Abstractions;

namespace DropoutService.Server.Tests.Inference;

// Deadlines and cancellation reach the engine: a Monte-Carlo prediction that would run for minutes
// stops between samples, layers and passes once its caller has gone. The server runs in this
// process and tests run one at a time, so the process's CPU time is the server's work.
public sealed class CancellationTests(ITestOutputHelper output)
{
    // 32 rows go through the batching queue (a batch of one caller), 300 rows run alone in passes.
    [Theory]
    [InlineData(32, true)]
    [InlineData(32, false)]
    [InlineData(300, true)]
    public async Task PredictMonteCarlo_CallerLeaves_CpuBackToIdleWithin100Ms(int rows, bool deadline)
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxMcSamples=100000");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "big", Spec = Specs.Classifier(784, 10, dropout: 0.5f, hidden: 1024) });
        var request = new PredictRequest { ModelId = "big", Inputs = Specs.Raw(rows, 784, Specs.Random(rows * 784, 1)), McSamples = 100_000, Seed = 1 };
        using var cancel = new CancellationTokenSource();
        // The deadline leaves room for a cold start (the first test of a run JIT-compiles the whole
        // path): the measurement below waits until the engine is really running.
        var started = Stopwatch.StartNew();
        var call = server.Inference.PredictAsync(request, deadline: deadline ? DateTime.UtcNow.AddMilliseconds(3000) : null, cancellationToken: cancel.Token).ResponseAsync;
        // The engine is running once a 200 ms window shows at least a fifth of a core busy; the
        // busiest window is the reference for "idle" below.
        double busy = 0;
        while (busy < 0.2 && started.ElapsedMilliseconds < 2400 && !call.IsCompleted)
        {
            double windowCpu = ProcessCpu.Milliseconds();
            var window = Stopwatch.StartNew();
            await Task.Delay(200);
            busy = Math.Max(busy, (ProcessCpu.Milliseconds() - windowCpu) / window.Elapsed.TotalMilliseconds);
        }
        if (!deadline)
        {
            cancel.Cancel();
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => call);
        var left = Stopwatch.StartNew();
        // Every ~10 ms for the first 100 ms (whole process: one cheap read), then one window of
        // 500 ms read only at its ends (without the JIT thread: see ProcessCpu).
        var samples = new List<(double AtMs, double CpuMs)> { (0, WholeProcessMs()) };
        while (left.ElapsedMilliseconds < 100)
        {
            await Task.Delay(10);
            samples.Add((left.Elapsed.TotalMilliseconds, WholeProcessMs()));
        }
        double cpuFrom = ProcessCpu.Milliseconds(), msFrom = left.Elapsed.TotalMilliseconds;
        await Task.Delay(500);
        double after = (ProcessCpu.Milliseconds() - cpuFrom) / (left.Elapsed.TotalMilliseconds - msFrom);

        Assert.Equal(deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, e.StatusCode);
        // The first sample interval from which the process used less than a tenth of what the
        // running engine did.
        double idleFrom = samples.Zip(samples.Skip(1))
            .Where(p => (p.Second.CpuMs - p.First.CpuMs) / (p.Second.AtMs - p.First.AtMs) < busy / 10)
            .Select(p => p.First.AtMs).DefaultIfEmpty(double.NaN).First();
        output.WriteLine($"rows {rows}, {(deadline ? "deadline" : "cancel")}: {busy:0.00} cores while running; after the caller left: " +
            $"below a tenth of that from {idleFrom:0} ms; {after:0.000} cores from {msFrom:0} to {left.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(busy >= 0.2, $"the call kept only {busy:0.00} cores busy before it was cancelled: the test would prove nothing");
        Assert.True(after < Math.Min(0.1, busy / 4), $"{after:0.000} cores still busy from {msFrom:0} ms after the caller left (running: {busy:0.00})");
    }

    private static double WholeProcessMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
