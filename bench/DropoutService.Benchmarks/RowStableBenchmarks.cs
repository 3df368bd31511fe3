using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Kernels;

namespace DropoutService.Benchmarks;

/// <summary>
/// The dense forward of a small inference batch (rows x 784 · 784 x 1024, the anchor MLP's first
/// layer) on one thread: the row-stable product the server's batches use against the packed
/// managed GEMM and OpenBLAS (OPENBLAS_NUM_THREADS decides its threads).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
[MedianColumn, MinColumn]
public class RowStableBenchmarks
{
    private float[] _a = null!, _b = null!, _c = null!;
    private IBlas _blas = null!;

    [Params(1, 4, 8, 32, 64)]
    public int Rows { get; set; }

    [Params("row-stable", "managed", "openblas")]
    public string Kernel { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Enumerable.Range(0, Rows * 784).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, 784 * 1024).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[Rows * 1024];
        var managed = new ManagedBlas(1, GemmKernelKindExtensions.Best());
        _blas = Kernel switch
        {
            "row-stable" => new RowStableBlas(managed, 1),
            "openblas" => OpenBlas.TryCreate(out var native) ? native : throw new InvalidOperationException("libopenblas is not installed"),
            _ => managed,
        };
    }

    // Batch 1 is the GEMV in every kernel here, as in DenseLayer.
    [Benchmark]
    public void Product()
    {
        if (Rows == 1)
        {
            _blas.GemvTransposed(784, 1024, 1f, _b, 1024, _a, 1f, _c);
        }
        else
        {
            _blas.Gemm(false, false, Rows, 1024, 784, 1f, _a, 784, _b, 1024, 1f, _c, 1024);
        }
    }
}
