using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Kernels;

namespace DropoutService.Benchmarks;

// sgemm 1024^3 (GFLOP/s = 2·1024³ / median) and the batch-1 dense forward GemvTransposed
// (784x1024 and 1024x1024) on both backends. Compare with ../shared/anchors/run.sh sgemm.
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MedianColumn, MinColumn]
public class GemmBenchmarks
{
    private const int Size = 1024;

    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private float[] _x = [];
    private float[] _y = [];
    private IBlas _blas = ManagedBlas.Instance;

    [Params("managed", "openblas")]
    public string Backend { get; set; } = "managed";

    [GlobalSetup]
    public void Setup()
    {
        if (Backend == "openblas")
        {
            _blas = OpenBlas.TryCreate(out var native) ? native : throw new InvalidOperationException("libopenblas not found");
        }
        else
        {
            _blas = ManagedBlas.Instance;
        }
        Console.WriteLine($"// backend: {_blas.Description}");
        var random = new Random(1);
        _a = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[Size * Size];
        _x = Enumerable.Range(0, Size).Select(_ => (float)random.NextDouble()).ToArray();
        _y = new float[Size];
    }

    [Benchmark]
    public void Sgemm1024() => _blas.Gemm(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);

    [Benchmark]
    public void GemvTransposed784x1024() => _blas.GemvTransposed(784, Size, 1f, _a, Size, _x, 1f, _y);

    [Benchmark]
    public void GemvTransposed1024x1024() => _blas.GemvTransposed(Size, Size, 1f, _a, Size, _x, 1f, _y);
}
