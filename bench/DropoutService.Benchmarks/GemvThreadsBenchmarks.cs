using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Kernels;

namespace DropoutService.Benchmarks;

/// <summary>Managed batch-1 GEMV on the anchor MLP's shapes: one thread against the pool-parallel split.</summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MedianColumn, MinColumn]
public class GemvThreadsBenchmarks
{
    private float[] _a = null!, _x = null!, _y = null!;
    private IBlas _blas = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(784, 1024)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Enumerable.Range(0, Rows * 1024).Select(_ => (float)rng.NextDouble()).ToArray();
        _x = Enumerable.Range(0, Rows).Select(_ => (float)rng.NextDouble()).ToArray();
        _y = new float[1024];
        _blas = new ManagedBlas(Threads, GemmKernelKind.Vector512);
    }

    [Benchmark]
    public void Gemv() => _blas.GemvTransposed(Rows, 1024, 1f, _a, 1024, _x, 0f, _y);
}
