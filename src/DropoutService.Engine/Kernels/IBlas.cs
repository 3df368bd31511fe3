namespace DropoutService.Engine.Kernels;

/// <summary>
/// The matrix products the engine needs, row-major, in BLAS terms. Two implementations give the
/// same results within float tolerance: native OpenBLAS through P/Invoke, and a managed SIMD
/// fallback. <see cref="Blas.Default"/> picks one once per process.
/// </summary>
public interface IBlas
{
    /// <summary>Short name of the backend reported to callers: <c>openblas</c> or <c>managed</c>.</summary>
    string Name { get; }

    /// <summary>Human-readable detail (library path, threads, SIMD width).</summary>
    string Description { get; }

    /// <summary>
    /// C (m, n) = alpha * op(A) (m, k) · op(B) (k, n) + beta * C, row-major; op(X) is X or Xᵀ.
    /// lda/ldb/ldc are row strides of the matrices as stored.
    /// </summary>
    void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

    /// <summary>
    /// y (n) = alpha * Aᵀ (n, m) · x (m) + beta * y, for A (m, n) row-major with row stride lda.
    /// This is the batch-1 dense forward: x (1, In) · W (In, Out).
    /// </summary>
    void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, float beta, Span<float> y);
}
