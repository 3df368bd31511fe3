using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DropoutService.Engine.Kernels;

// The cache blocking around the micro-kernel (the Goto/BLIS loop nest): a (kc, nc) block of op(B)
// packed once per depth step and read from L2/L3, an (mc, kc) block of op(A) packed for L2, and
// one (kc, NR) B panel reused from L1 across every A panel of the block.
//
// Reproducibility: every element of C is the sum of the same depth blocks [0, KC), [KC, 2KC)...
// each accumulated in p order from zero and added to C in block order. Nothing here depends on
// which rows/columns a thread was given, so results are bitwise independent of the thread count.
internal static unsafe class GemmDriver
{
    public const int Kc = 256;
    private const int McTarget = 384;
    private const int Nc = 2048;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    [ThreadStatic]
    private static float[]? t_tile;

    public static int Mc(GemmKernelKind kind) => McTarget / kind.Mr() * kind.Mr();

    // Computes the rows [i0, i1) x columns [j0, j1) of C; i0 and j0 are multiples of MR and NR.
    public static void Run(in GemmProblem p, int i0, int i1, int j0, int j1)
    {
        int mr = p.Kind.Mr(), nr = p.Kind.Nr(), mcMax = Mc(p.Kind);
        int kcMax = Math.Min(Kc, p.K);
        int mcCap = RoundUp(Math.Min(mcMax, i1 - i0), mr), ncCap = RoundUp(Math.Min(Nc, j1 - j0), nr);
        float* packA = Buffer(ref t_packA, mcCap * kcMax);
        float* packB = Buffer(ref t_packB, ncCap * kcMax);
        float* tile = Buffer(ref t_tile, mr * nr);
        for (int jc = j0; jc < j1; jc += Nc)
        {
            int nc = Math.Min(Nc, j1 - jc);
            for (int pc = 0; pc < p.K; pc += Kc)
            {
                int kc = Math.Min(Kc, p.K - pc);
                // The first depth block applies the caller's beta; later ones accumulate.
                float beta = pc == 0 ? p.Beta : 1f;
                GemmPacking.PackB(p.B, p.Ldb, p.TransposeB, pc, kc, jc, nc, nr, packB);
                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    GemmPacking.PackA(p.A, p.Lda, p.TransposeA, ic, mc, pc, kc, mr, packA);
                    Macro(p, kc, mc, nc, packA, packB, p.C + (nint)ic * p.Ldc + jc, beta, tile);
                }
            }
        }
    }

    private static void Macro(in GemmProblem p, int kc, int mc, int nc, float* packA, float* packB, float* c, float beta, float* tile)
    {
        int mr = p.Kind.Mr(), nr = p.Kind.Nr();
        nint ldc = p.Ldc;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* b = packB + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* a = packA + (nint)ir * kc;
                float* cTile = c + ir * ldc + jr;
                if (rows == mr && cols == nr)
                {
                    Kernel(p.Kind, kc, a, b, cTile, ldc, p.Alpha, beta);
                }
                else
                {
                    Kernel(p.Kind, kc, a, b, tile, nr, 1f, 0f);
                    GemmScalar.Update(cTile, ldc, tile, nr, rows, cols, p.Alpha, beta);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmKernelKind kind, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512:
                GemmKernel512.Kernel12x32(kc, a, b, c, ldc, alpha, beta);
                break;
            case GemmKernelKind.Vector256:
                GemmKernel256.Kernel6x16(kc, a, b, c, ldc, alpha, beta);
                break;
            default:
                GemmKernel128.Kernel4x8(kc, a, b, c, ldc, alpha, beta);
                break;
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Per-thread pack buffers on the pinned heap, grown only when a larger problem arrives, and
    // aligned to 64 bytes so the kernels' vector loads never split a cache line.
    private static float* Buffer(ref float[]? array, int length)
    {
        if (array is null || array.Length < length + 16)
        {
            array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (float*)((address + 63) & ~(nint)63);
    }
}
