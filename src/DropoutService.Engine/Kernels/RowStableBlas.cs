namespace DropoutService.Engine.Kernels;

// The products of inference replicas (Blas.RowStable): plain products (no operand transposed, the
// dense forward) go to RowStableGemm, whose rows do not depend on the batch they are in; batch-1
// products already go to the managed GEMV in both backends, which computes the same chain.
// Everything else (the transposed products of backward) goes to the backend unchanged.
internal sealed unsafe class RowStableBlas(IBlas backend, int threads) : IBlas
{
    // Multiply-adds below which waking a helper costs more than it saves (as for the GEMV).
    private const long ParallelWork = 1L << 17;

    public IBlas Backend { get; } = backend;

    public string Name => Backend.Name;

    public string Description => $"{Backend.Description}; row-stable products for inference";

    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (transposeA || transposeB)
        {
            Backend.Gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        if (!BlasArguments.CheckGemmAndNeedsProduct(false, false, m, n, k, a.Length, lda, b.Length, ldb, c, ldc, beta))
        {
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (threads > 1 && (long)m * n * k >= ParallelWork)
            {
                RowStableJob.Run(pa, lda, pb, ldb, pc, ldc, m, n, k, alpha, beta, threads);
            }
            else
            {
                RowStableGemm.Run(pa, lda, pb, ldb, pc, ldc, m, k, 0, n, alpha, beta);
            }
        }
    }

    public void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y) =>
        ManagedBlas.Instance.GemvTransposed(m, n, alpha, a, lda, x, beta, y);
}
