using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// y[j0, j1) = alpha * Σ_i x[i] · A[i, j0..j1) + beta * y. A is streamed row after row, in
// address order (what the hardware prefetchers follow best), four rows per pass over an L1-resident
// accumulator row. Every element still sums its rows in order 0..m-1, one fused multiply-add at a
// time, whatever column range or thread it falls in: results are independent of the split.
internal static unsafe class GemvKernel
{
    private const int Rows = 4;

    [ThreadStatic]
    private static float[]? t_accumulator;

    public static void Run(float* a, nint lda, float* x, float* y, int m, int j0, int j1, float alpha, float beta)
    {
        int width = Vector512.IsHardwareAccelerated ? (j1 - j0) / 16 * 16 : 0;
        if (width == 0 && Vector256.IsHardwareAccelerated)
        {
            Run256(a, lda, x, y, m, j0, j1, alpha, beta);
            return;
        }
        if (width > 0)
        {
            float* acc = Accumulator(width);
            new Span<float>(acc, width).Clear();
            a += j0;
            int i = 0;
            for (; i + Rows <= m; i += Rows)
            {
                Accumulate4(a + i * lda, lda, x + i, acc, width);
            }
            for (; i < m; i++)
            {
                var xi = Vector512.Create(x[i]);
                float* row = a + i * lda;
                for (int q = 0; q < width; q += 16)
                {
                    Vector512.FusedMultiplyAdd(xi, Vector512.Load(row + q), Vector512.Load(acc + q)).Store(acc + q);
                }
            }
            a -= j0;
            float* yj = y + j0;
            for (int q = 0; q < width; q += 16)
            {
                var v = Vector512.Load(acc + q);
                var result = beta == 0f ? v * alpha : Vector512.FusedMultiplyAdd(Vector512.Create(alpha), v, Vector512.Load(yj + q) * beta);
                result.Store(yj + q);
            }
        }
        for (int j = j0 + width; j < j1; j++)
        {
            float acc = 0f;
            for (int i = 0; i < m; i++)
            {
                acc = GemmScalar.Madd(x[i], a[i * lda + j], acc);
            }
            // beta == 0 never reads y (it may hold NaN), as in the vector path.
            y[j] = beta == 0f ? acc * alpha : GemmScalar.Madd(alpha, acc, y[j] * beta);
        }
    }

    // acc += x[0]·row0 then x[1]·row1 ... as a chain of fused multiply-adds, per element.
    private static void Accumulate4(float* row0, nint lda, float* x, float* acc, int width)
    {
        float* row1 = row0 + lda, row2 = row1 + lda, row3 = row2 + lda;
        var x0 = Vector512.Create(x[0]);
        var x1 = Vector512.Create(x[1]);
        var x2 = Vector512.Create(x[2]);
        var x3 = Vector512.Create(x[3]);
        for (int q = 0; q < width; q += 16)
        {
            var v = Vector512.Load(acc + q);
            v = Vector512.FusedMultiplyAdd(x0, Vector512.Load(row0 + q), v);
            v = Vector512.FusedMultiplyAdd(x1, Vector512.Load(row1 + q), v);
            v = Vector512.FusedMultiplyAdd(x2, Vector512.Load(row2 + q), v);
            v = Vector512.FusedMultiplyAdd(x3, Vector512.Load(row3 + q), v);
            v.Store(acc + q);
        }
    }

    // The AVX2 machine's version: one row per pass, eight columns per vector.
    private static void Run256(float* a, nint lda, float* x, float* y, int m, int j0, int j1, float alpha, float beta)
    {
        int width = (j1 - j0) / 8 * 8;
        float* acc = Accumulator(width);
        new Span<float>(acc, width).Clear();
        for (int i = 0; i < m; i++)
        {
            var xi = Vector256.Create(x[i]);
            float* row = a + i * lda + j0;
            for (int q = 0; q < width; q += 8)
            {
                Madd(xi, Vector256.Load(row + q), Vector256.Load(acc + q)).Store(acc + q);
            }
        }
        float* yj = y + j0;
        for (int q = 0; q < width; q += 8)
        {
            var v = Vector256.Load(acc + q);
            var result = beta == 0f ? v * alpha : Madd(Vector256.Create(alpha), v, Vector256.Load(yj + q) * beta);
            result.Store(yj + q);
        }
        for (int j = j0 + width; j < j1; j++)
        {
            float sum = 0f;
            for (int i = 0; i < m; i++)
            {
                sum = GemmScalar.Madd(x[i], a[i * lda + j], sum);
            }
            y[j] = beta == 0f ? sum * alpha : GemmScalar.Madd(alpha, sum, y[j] * beta);
        }
    }

    private static Vector256<float> Madd(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        GemmScalar.HasFma ? Vector256.FusedMultiplyAdd(x, y, z) : x * y + z;

    private static float* Accumulator(int width)
    {
        if (t_accumulator is null || t_accumulator.Length < width + 16)
        {
            t_accumulator = GC.AllocateUninitializedArray<float>(Math.Max(width, 1024) + 16, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(t_accumulator));
        return (float*)((address + 63) & ~(nint)63);
    }
}
