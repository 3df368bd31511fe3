namespace DropoutService.Engine.Kernels;

// The always-available backend: a packed, cache-blocked SIMD GEMM (GemmDriver) and a streaming
// GEMV, both split over the cores for large problems with results independent of the split.
internal sealed unsafe class ManagedBlas : IBlas
{
    // Below these sizes (multiply-adds, matrix elements) waking a helper costs more than it saves.
    private const long ParallelGemmWork = 1L << 20;
    private const long ParallelGemvWork = 1L << 17;

    public static readonly ManagedBlas Instance = new(Environment.ProcessorCount, GemmKernelKindExtensions.Best());

    private readonly int _threads;
    private readonly GemmKernelKind _kind;

    // threads and kind are knobs for tests (thread-count independence, narrower kernels).
    internal ManagedBlas(int threads, GemmKernelKind kind)
    {
        if (!kind.IsSupported())
        {
            throw new PlatformNotSupportedException($"{kind} is not hardware accelerated here.");
        }
        _threads = Math.Max(1, threads);
        _kind = kind;
        string threadText = _threads == 1 ? "1 thread" : $"{_threads} threads";
        Description = $"managed SIMD ({kind}, {threadText})";
    }

    public string Name => "managed";

    public string Description { get; }

    internal int Threads => _threads;

    internal GemmKernelKind Kind => _kind;

    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!BlasArguments.CheckGemmAndNeedsProduct(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c, ldc, beta))
        {
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem
            {
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                Alpha = alpha, Beta = beta, TransposeA = transposeA, TransposeB = transposeB, Kind = _kind,
            };
            if (_threads > 1 && (long)m * n * k >= ParallelGemmWork)
            {
                GemmJob.Run(problem, _threads);
            }
            else
            {
                GemmDriver.Run(problem, 0, m, 0, n);
            }
        }
    }

    public void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        BlasArguments.CheckGemv(m, n, a.Length, lda, x.Length, y.Length);
        if (n == 0)
        {
            return;
        }
        if (m == 0)
        {
            MatrixScaling.Scale(y, 1, n, n, beta);
            return;
        }
        fixed (float* pa = a, px = x, py = y)
        {
            if (_threads > 1 && (long)m * n >= ParallelGemvWork)
            {
                GemvJob.Run(pa, lda, px, py, m, n, alpha, beta, _threads);
            }
            else
            {
                GemvKernel.Run(pa, lda, px, py, m, 0, n, alpha, beta);
            }
        }
    }
}
