namespace DropoutService.Engine.Kernels;

// Copies blocks of op(A) and op(B) into the layout the micro-kernels stream through: panels of
// MR rows (A) or NR columns (B), depth-major, zero-padded to a full panel so the kernel never
// needs a bounds check. Padding rows/columns only ever meet zeros, so they change no valid element.
internal static unsafe class GemmPacking
{
    // op(A) rows [i0, i0 + mc), depth [p0, p0 + kc) -> ceil(mc / mr) panels of (kc, mr).
    public static void PackA(float* a, int lda, bool transpose, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (nint)ir * kc;
            if (transpose)
            {
                // op(A)(i, p) = a[p * lda + i]: each depth step is a contiguous run of rows.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (nint)(p0 + p) * lda + i0 + ir;
                    float* d = panel + (nint)p * mr;
                    int ii = 0;
                    for (; ii < rows; ii++)
                    {
                        d[ii] = src[ii];
                    }
                    for (; ii < mr; ii++)
                    {
                        d[ii] = 0f;
                    }
                }
            }
            else
            {
                PackTranspose.Run(a + (nint)(i0 + ir) * lda + p0, lda, rows, kc, mr, panel);
            }
        }
    }

    // op(B) depth [p0, p0 + kc), columns [j0, j0 + nc) -> ceil(nc / nr) panels of (kc, nr).
    public static void PackB(float* b, int ldb, bool transpose, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (nint)jr * kc;
            if (!transpose)
            {
                // op(B)(p, j) = b[p * ldb + j]: each depth step is a contiguous run of columns.
                for (int p = 0; p < kc; p++)
                {
                    var src = new ReadOnlySpan<float>(b + (nint)(p0 + p) * ldb + j0 + jr, cols);
                    var d = new Span<float>(panel + (nint)p * nr, nr);
                    src.CopyTo(d);
                    d.Slice(cols).Clear();
                }
            }
            else
            {
                PackTranspose.Run(b + (nint)(j0 + jr) * ldb + p0, ldb, cols, kc, nr, panel);
            }
        }
    }
}
