using DropoutService.Engine.Kernels;

namespace DropoutService.Engine.Tests.Kernels;

// Double-precision reference products and the float error bound the backends are held to.
//
// Tolerance: a float dot product of length k accumulated with fused multiply-adds has a relative
// error of at most γ_k = k·u (u = 2^-24) with respect to Σ|a||b| (Higham, ch. 3); scaling by
// alpha, adding beta·C and summing the 256-deep blocks add a few roundings more. We allow
// (2k + 8)·u·(|alpha|·Σ|a||b| + |beta|·|C|): a rigorous worst case with a factor 2 of margin, yet
// far below the O(|a||b|) error of any real bug (a wrong or missing term, a stale C value).
internal static class BlasReference
{
    public const double UnitRoundoff = 1.0 / (1 << 24);

    public const float Sentinel = 12345.5f;

    public static float[] RandomMatrix(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }

    // A rows x columns matrix stored with stride ld, the gaps between rows filled with the sentinel.
    public static float[] Strided(int rows, int columns, int ld, int seed)
    {
        var dense = RandomMatrix(rows * columns, seed);
        var stored = new float[rows == 0 ? 0 : (rows - 1) * ld + columns];
        Array.Fill(stored, Sentinel);
        for (int i = 0; i < rows; i++)
        {
            dense.AsSpan(i * columns, columns).CopyTo(stored.AsSpan(i * ld));
        }
        return stored;
    }

    public static double Bound(int k, double absoluteSum) => (2.0 * k + 8) * UnitRoundoff * absoluteSum;

    // Checks C against alpha·op(A)·op(B) + beta·C0 element by element, and that the row gaps of C
    // (columns n..ldc) still hold the sentinel.
    public static void AssertGemm(bool ta, bool tb, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c0, float[] c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                    abs += Math.Abs(av * bv);
                }
                double start = beta == 0 ? 0 : beta * (double)c0[i * ldc + j];
                double expected = alpha * sum + start;
                double bound = Bound(k, Math.Abs(alpha) * abs + Math.Abs(start));
                double actual = c[i * ldc + j];
                Assert.True(Math.Abs(actual - expected) <= bound,
                    $"C[{i},{j}] = {actual}, expected {expected} ± {bound} ({(ta ? "T" : "N")}{(tb ? "T" : "N")} {m}x{n}x{k})");
            }
            for (int j = n; j < ldc && i * ldc + j < c.Length; j++)
            {
                Assert.True(c[i * ldc + j] == Sentinel, $"C[{i},{j}] outside the matrix was overwritten");
            }
        }
    }

    // Σ_p |op(A)[i,p] · op(B)[p,j]| for every element of C (m, n), dense with stride n.
    public static double[] AbsoluteProducts(bool ta, bool tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb)
    {
        var result = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                double av = Math.Abs(ta ? a[p * lda + i] : a[i * lda + p]);
                for (int j = 0; j < n; j++)
                {
                    result[i * n + j] += av * Math.Abs(tb ? b[j * ldb + p] : b[p * ldb + j]);
                }
            }
        }
        return result;
    }

    public static void AssertGemv(int m, int n, float alpha, float[] a, int lda, float[] x, float beta, float[] y0, float[] y)
    {
        for (int j = 0; j < n; j++)
        {
            double sum = 0, abs = 0;
            for (int i = 0; i < m; i++)
            {
                sum += (double)a[i * lda + j] * x[i];
                abs += Math.Abs((double)a[i * lda + j] * x[i]);
            }
            double start = beta == 0 ? 0 : beta * (double)y0[j];
            double expected = alpha * sum + start;
            double bound = Bound(m, Math.Abs(alpha) * abs + Math.Abs(start));
            Assert.True(Math.Abs(y[j] - expected) <= bound, $"y[{j}] = {y[j]}, expected {expected} ± {bound} ({m}x{n})");
        }
    }

    // Runs one Gemm on fresh operands (row strides widened by pad) and checks it.
    public static float[] RunGemm(IBlas blas, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, bool nanC = false, int seed = 1)
    {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        var a = Strided(ta ? k : m, ta ? m : k, lda, seed);
        var b = Strided(tb ? n : k, tb ? k : n, ldb, seed + 1);
        var c0 = Strided(m, n, ldc, seed + 2);
        if (nanC)
        {
            for (int i = 0; i < m; i++)
            {
                c0.AsSpan(i * ldc, n).Fill(float.NaN);
            }
        }
        var c = (float[])c0.Clone();
        blas.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        AssertGemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, c, ldc);
        return c;
    }
}
