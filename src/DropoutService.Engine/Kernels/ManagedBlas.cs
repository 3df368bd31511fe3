namespace DropoutService.Engine.Kernels;

// TEMPORARY naive implementation; the kernels work replaces it with a cache-blocked SIMD GEMM.
internal sealed class ManagedBlas : IBlas
{
    public static readonly ManagedBlas Instance = new();

    public string Name => "managed";

    public string Description => "managed (naive)";

    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                c[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * ldc + j]);
            }
        }
    }

    public void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y) =>
        Gemm(false, false, 1, n, m, alpha, x, m, a, lda, beta, y, n);
}
