using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// C (m, n) = alpha · A (m, k) · B (k, n) + beta · C, row-major, neither operand transposed, for the
// few-row products of inference batches. B (a dense layer's weight) is read in place, never
// packed: packing costs a full extra pass over the weights, which is the whole price of a
// small-batch product. A panel of 32 B columns stays in L2 while groups of eight rows of A run over
// it, reading 128 contiguous bytes of B per step.
//
// Row stability: every element of C is ONE fused multiply-add chain over p = 0..k-1 starting from
// zero, then C = alpha·acc + beta·C (alpha·acc when beta is 0) — exactly GemvKernel's order. So
// row i of C has the same bits whatever the other rows of A are, however the columns are split
// over threads, and the same bits as the batch-1 GEMV of row i: a row predicted inside a batch
// equals the row predicted alone.
internal static unsafe class RowStableGemm
{
    private const int GroupRows = 8;

    // Computes the columns [j0, j1) of C; every row. Rows go in register groups of eight, then
    // at most one group of four and one of two; a last single row takes the GEMV itself (one row
    // has too little work per weight to beat streaming the weights in address order).
    public static void Run(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int m, int k, int j0, int j1, float alpha, float beta)
    {
        int i = 0;
        for (; i + GroupRows <= m; i += GroupRows)
        {
            Group(GroupRows, a + i * lda, lda, b, ldb, c + i * ldc, ldc, k, j0, j1, alpha, beta);
        }
        for (int rows = 4; rows >= 2; rows /= 2)
        {
            if (m - i >= rows)
            {
                Group(rows, a + i * lda, lda, b, ldb, c + i * ldc, ldc, k, j0, j1, alpha, beta);
                i += rows;
            }
        }
        if (i < m)
        {
            GemvKernel.Run(b, ldb, a + i * lda, c + i * ldc, k, j0, j1, alpha, beta);
        }
    }

    // `rows` (8, 4 or 2) rows of C, columns [j0, j1): 32-wide panels, then 16, then 8, then single columns.
    private static void Group(int rows, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, int j0, int j1, float alpha, float beta)
    {
        int j = j0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 32 <= j1; j += 32)
            {
                if (rows == GroupRows)
                {
                    Rows8x32(a, lda, b + j, ldb, c + j, ldc, k, alpha, beta);
                }
                else
                {
                    Rows4x32(a, lda, b + j, ldb, c + j, ldc, k, alpha, beta, rows);
                }
            }
            for (; j + 16 <= j1; j += 16)
            {
                for (int r = 0; r < rows; r += 4)
                {
                    Rows4x16(a + r * lda, lda, b + j, ldb, c + r * ldc + j, ldc, k, alpha, beta, Math.Min(4, rows - r));
                }
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= j1; j += 8)
            {
                if (rows == GroupRows)
                {
                    Rows8x8(a, lda, b + j, ldb, c + j, ldc, k, alpha, beta);
                }
                else
                {
                    Rows4x8(a, lda, b + j, ldb, c + j, ldc, k, alpha, beta, rows);
                }
            }
        }
        for (; j < j1; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                float* ai = a + i * lda;
                float acc = 0f;
                for (int p = 0; p < k; p++)
                {
                    acc = GemmScalar.Madd(ai[p], b[p * ldb + j], acc);
                }
                float* cij = c + i * ldc + j;
                *cij = beta == 0f ? acc * alpha : GemmScalar.Madd(alpha, acc, *cij * beta);
            }
        }
    }

    // C (8, 32) op= A (8, k) · B (k, 32): two accumulator registers per row, 128 contiguous bytes of B per step.
    private static void Rows8x32(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, float alpha, float beta)
    {
        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        var c4 = Vector512<float>.Zero; var c5 = Vector512<float>.Zero; var c6 = Vector512<float>.Zero; var c7 = Vector512<float>.Zero;
        var d0 = Vector512<float>.Zero; var d1 = Vector512<float>.Zero; var d2 = Vector512<float>.Zero; var d3 = Vector512<float>.Zero;
        var d4 = Vector512<float>.Zero; var d5 = Vector512<float>.Zero; var d6 = Vector512<float>.Zero; var d7 = Vector512<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[p]); c0 = Vector512.FusedMultiplyAdd(x, b0, c0); d0 = Vector512.FusedMultiplyAdd(x, b1, d0);
            x = Vector512.Create(a1[p]); c1 = Vector512.FusedMultiplyAdd(x, b0, c1); d1 = Vector512.FusedMultiplyAdd(x, b1, d1);
            x = Vector512.Create(a2[p]); c2 = Vector512.FusedMultiplyAdd(x, b0, c2); d2 = Vector512.FusedMultiplyAdd(x, b1, d2);
            x = Vector512.Create(a3[p]); c3 = Vector512.FusedMultiplyAdd(x, b0, c3); d3 = Vector512.FusedMultiplyAdd(x, b1, d3);
            x = Vector512.Create(a4[p]); c4 = Vector512.FusedMultiplyAdd(x, b0, c4); d4 = Vector512.FusedMultiplyAdd(x, b1, d4);
            x = Vector512.Create(a5[p]); c5 = Vector512.FusedMultiplyAdd(x, b0, c5); d5 = Vector512.FusedMultiplyAdd(x, b1, d5);
            x = Vector512.Create(a6[p]); c6 = Vector512.FusedMultiplyAdd(x, b0, c6); d6 = Vector512.FusedMultiplyAdd(x, b1, d6);
            x = Vector512.Create(a7[p]); c7 = Vector512.FusedMultiplyAdd(x, b0, c7); d7 = Vector512.FusedMultiplyAdd(x, b1, d7);
            b += ldb;
        }
        Store(c, c0, alpha, beta); Store(c + 16, d0, alpha, beta);
        Store(c + ldc, c1, alpha, beta); Store(c + ldc + 16, d1, alpha, beta);
        Store(c + 2 * ldc, c2, alpha, beta); Store(c + 2 * ldc + 16, d2, alpha, beta);
        Store(c + 3 * ldc, c3, alpha, beta); Store(c + 3 * ldc + 16, d3, alpha, beta);
        Store(c + 4 * ldc, c4, alpha, beta); Store(c + 4 * ldc + 16, d4, alpha, beta);
        Store(c + 5 * ldc, c5, alpha, beta); Store(c + 5 * ldc + 16, d5, alpha, beta);
        Store(c + 6 * ldc, c6, alpha, beta); Store(c + 6 * ldc + 16, d6, alpha, beta);
        Store(c + 7 * ldc, c7, alpha, beta); Store(c + 7 * ldc + 16, d7, alpha, beta);
    }

    // C (rows ≤ 4, 32) op= A (rows, k) · B (k, 32). With fewer than four rows the missing ones
    // read the last row again (their sums are computed and dropped); stores are per real row.
    private static void Rows4x32(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, float alpha, float beta, int rows)
    {
        float* a0 = a, a1 = a0 + lda * Math.Min(1, rows - 1), a2 = a0 + lda * Math.Min(2, rows - 1), a3 = a0 + lda * Math.Min(3, rows - 1);
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        var d0 = Vector512<float>.Zero; var d1 = Vector512<float>.Zero; var d2 = Vector512<float>.Zero; var d3 = Vector512<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[p]); c0 = Vector512.FusedMultiplyAdd(x, b0, c0); d0 = Vector512.FusedMultiplyAdd(x, b1, d0);
            x = Vector512.Create(a1[p]); c1 = Vector512.FusedMultiplyAdd(x, b0, c1); d1 = Vector512.FusedMultiplyAdd(x, b1, d1);
            x = Vector512.Create(a2[p]); c2 = Vector512.FusedMultiplyAdd(x, b0, c2); d2 = Vector512.FusedMultiplyAdd(x, b1, d2);
            x = Vector512.Create(a3[p]); c3 = Vector512.FusedMultiplyAdd(x, b0, c3); d3 = Vector512.FusedMultiplyAdd(x, b1, d3);
            b += ldb;
        }
        Store(c, c0, alpha, beta); Store(c + 16, d0, alpha, beta);
        if (rows > 1)
        {
            Store(c + ldc, c1, alpha, beta); Store(c + ldc + 16, d1, alpha, beta);
        }
        if (rows > 2)
        {
            Store(c + 2 * ldc, c2, alpha, beta); Store(c + 2 * ldc + 16, d2, alpha, beta);
        }
        if (rows > 3)
        {
            Store(c + 3 * ldc, c3, alpha, beta); Store(c + 3 * ldc + 16, d3, alpha, beta);
        }
    }

    // C (rows ≤ 4, 16), for a 16-column remainder; missing rows as in Rows4x32.
    private static void Rows4x16(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, float alpha, float beta, int rows)
    {
        float* a0 = a, a1 = a0 + lda * Math.Min(1, rows - 1), a2 = a0 + lda * Math.Min(2, rows - 1), a3 = a0 + lda * Math.Min(3, rows - 1);
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            var bp = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), bp, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), bp, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), bp, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), bp, c3);
            b += ldb;
        }
        Store(c, c0, alpha, beta);
        if (rows > 1)
        {
            Store(c + ldc, c1, alpha, beta);
        }
        if (rows > 2)
        {
            Store(c + 2 * ldc, c2, alpha, beta);
        }
        if (rows > 3)
        {
            Store(c + 3 * ldc, c3, alpha, beta);
        }
    }

    // The AVX2 machine's version: eight columns per register.
    private static void Rows8x8(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, float alpha, float beta)
    {
        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        var c0 = Vector256<float>.Zero; var c1 = Vector256<float>.Zero; var c2 = Vector256<float>.Zero; var c3 = Vector256<float>.Zero;
        var c4 = Vector256<float>.Zero; var c5 = Vector256<float>.Zero; var c6 = Vector256<float>.Zero; var c7 = Vector256<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            var bp = Vector256.Load(b);
            c0 = Madd(Vector256.Create(a0[p]), bp, c0);
            c1 = Madd(Vector256.Create(a1[p]), bp, c1);
            c2 = Madd(Vector256.Create(a2[p]), bp, c2);
            c3 = Madd(Vector256.Create(a3[p]), bp, c3);
            c4 = Madd(Vector256.Create(a4[p]), bp, c4);
            c5 = Madd(Vector256.Create(a5[p]), bp, c5);
            c6 = Madd(Vector256.Create(a6[p]), bp, c6);
            c7 = Madd(Vector256.Create(a7[p]), bp, c7);
            b += ldb;
        }
        Store(c, c0, alpha, beta); Store(c + ldc, c1, alpha, beta);
        Store(c + 2 * ldc, c2, alpha, beta); Store(c + 3 * ldc, c3, alpha, beta);
        Store(c + 4 * ldc, c4, alpha, beta); Store(c + 5 * ldc, c5, alpha, beta);
        Store(c + 6 * ldc, c6, alpha, beta); Store(c + 7 * ldc, c7, alpha, beta);
    }

    // C (rows ≤ 4, 8) on AVX2; missing rows as in Rows4x32.
    private static void Rows4x8(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int k, float alpha, float beta, int rows)
    {
        float* a0 = a, a1 = a0 + lda * Math.Min(1, rows - 1), a2 = a0 + lda * Math.Min(2, rows - 1), a3 = a0 + lda * Math.Min(3, rows - 1);
        var c0 = Vector256<float>.Zero; var c1 = Vector256<float>.Zero; var c2 = Vector256<float>.Zero; var c3 = Vector256<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            var bp = Vector256.Load(b);
            c0 = Madd(Vector256.Create(a0[p]), bp, c0);
            c1 = Madd(Vector256.Create(a1[p]), bp, c1);
            c2 = Madd(Vector256.Create(a2[p]), bp, c2);
            c3 = Madd(Vector256.Create(a3[p]), bp, c3);
            b += ldb;
        }
        Store(c, c0, alpha, beta);
        if (rows > 1)
        {
            Store(c + ldc, c1, alpha, beta);
        }
        if (rows > 2)
        {
            Store(c + 2 * ldc, c2, alpha, beta);
        }
        if (rows > 3)
        {
            Store(c + 3 * ldc, c3, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Madd(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        GemmScalar.HasFma ? Vector256.FusedMultiplyAdd(x, y, z) : x * y + z;

    // GemvKernel's final step, element for element.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, float alpha, float beta) =>
        (beta == 0f ? acc * alpha : Vector512.FusedMultiplyAdd(Vector512.Create(alpha), acc, Vector512.Load(c) * beta)).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc, float alpha, float beta) =>
        (beta == 0f ? acc * alpha : Madd(Vector256.Create(alpha), acc, Vector256.Load(c) * beta)).Store(c);
}
