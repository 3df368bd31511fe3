using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// y[j0, j1) = alpha * Σ_i x[i] · A[i, j0..j1) + beta * y, streaming A row by row. A block of
// columns stays in registers across all m rows, so each weight is loaded once and y is touched
// once; every element sums its rows in order 0..m-1 whatever block or thread it falls in.
internal static unsafe class GemvKernel
{
    public static void Run(float* a, nint lda, float* x, float* y, int m, int j0, int j1, float alpha, float beta)
    {
        int j = j0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 128 <= j1; j += 128)
            {
                Block512(a + j, lda, x, y + j, m, alpha, beta);
            }
            for (; j + 16 <= j1; j += 16)
            {
                var acc = Vector512<float>.Zero;
                for (int i = 0; i < m; i++)
                {
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(x[i]), Vector512.Load(a + i * lda + j), acc);
                }
                Store(y + j, acc, alpha, beta);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= j1; j += 8)
            {
                var acc = Vector256<float>.Zero;
                for (int i = 0; i < m; i++)
                {
                    acc = Madd(Vector256.Create(x[i]), Vector256.Load(a + i * lda + j), acc);
                }
                var result = beta == 0f ? acc * alpha : Madd(Vector256.Create(alpha), acc, Vector256.Load(y + j) * beta);
                result.Store(y + j);
            }
        }
        for (; j < j1; j++)
        {
            float acc = 0f;
            for (int i = 0; i < m; i++)
            {
                acc = GemmScalar.Madd(x[i], a[i * lda + j], acc);
            }
            y[j] = beta == 0f ? acc * alpha : GemmScalar.Madd(alpha, acc, y[j] * beta);
        }
    }

    private static void Block512(float* a, nint lda, float* x, float* y, int m, float alpha, float beta)
    {
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        var c4 = Vector512<float>.Zero; var c5 = Vector512<float>.Zero; var c6 = Vector512<float>.Zero; var c7 = Vector512<float>.Zero;
        for (int i = 0; i < m; i++)
        {
            var xi = Vector512.Create(x[i]);
            float* row = a + i * lda;
            c0 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row), c0);
            c1 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 48), c3);
            c4 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 64), c4);
            c5 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 80), c5);
            c6 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 96), c6);
            c7 = Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + 112), c7);
        }
        Store(y, c0, alpha, beta); Store(y + 16, c1, alpha, beta); Store(y + 32, c2, alpha, beta); Store(y + 48, c3, alpha, beta);
        Store(y + 64, c4, alpha, beta); Store(y + 80, c5, alpha, beta); Store(y + 96, c6, alpha, beta); Store(y + 112, c7, alpha, beta);
    }

    // beta == 0 never reads y (it may hold NaN); otherwise alpha·acc + beta·y with one rounding
    // for the sum, matching the scalar tail.
    private static void Store(float* y, Vector512<float> acc, float alpha, float beta)
    {
        var result = beta == 0f ? acc * alpha : Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(y) * beta);
        result.Store(y);
    }

    private static Vector256<float> Madd(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        GemmScalar.HasFma ? Vector256.FusedMultiplyAdd(x, y, z) : x * y + z;
}
