using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// Unrolled by hand, one line per row of the register tile, so the JIT keeps every
// accumulator in a register; the k loop is the only loop.
internal static unsafe class GemmKernel256
{
    // C (MR=6, NR=16) op= packed A panel (kc, 6) · packed B panel (kc, 16).
    public static void Kernel6x16(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        var c0a = Vector256<float>.Zero; var c0b = Vector256<float>.Zero;
        var c1a = Vector256<float>.Zero; var c1b = Vector256<float>.Zero;
        var c2a = Vector256<float>.Zero; var c2b = Vector256<float>.Zero;
        var c3a = Vector256<float>.Zero; var c3b = Vector256<float>.Zero;
        var c4a = Vector256<float>.Zero; var c4b = Vector256<float>.Zero;
        var c5a = Vector256<float>.Zero; var c5b = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0); var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]); c0a = Madd(a0, b0, c0a); c0b = Madd(a0, b1, c0b);
            var a1 = Vector256.Create(a[1]); c1a = Madd(a1, b0, c1a); c1b = Madd(a1, b1, c1b);
            var a2 = Vector256.Create(a[2]); c2a = Madd(a2, b0, c2a); c2b = Madd(a2, b1, c2b);
            var a3 = Vector256.Create(a[3]); c3a = Madd(a3, b0, c3a); c3b = Madd(a3, b1, c3b);
            var a4 = Vector256.Create(a[4]); c4a = Madd(a4, b0, c4a); c4b = Madd(a4, b1, c4b);
            var a5 = Vector256.Create(a[5]); c5a = Madd(a5, b0, c5a); c5b = Madd(a5, b1, c5b);
            a += 6;
            b += 16;
        }
        Store(c + 0 * ldc + 0, c0a, alpha, beta); Store(c + 0 * ldc + 8, c0b, alpha, beta);
        Store(c + 1 * ldc + 0, c1a, alpha, beta); Store(c + 1 * ldc + 8, c1b, alpha, beta);
        Store(c + 2 * ldc + 0, c2a, alpha, beta); Store(c + 2 * ldc + 8, c2b, alpha, beta);
        Store(c + 3 * ldc + 0, c3a, alpha, beta); Store(c + 3 * ldc + 8, c3b, alpha, beta);
        Store(c + 4 * ldc + 0, c4a, alpha, beta); Store(c + 4 * ldc + 8, c4b, alpha, beta);
        Store(c + 5 * ldc + 0, c5a, alpha, beta); Store(c + 5 * ldc + 8, c5b, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Madd(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        GemmScalar.HasFma ? Vector256.FusedMultiplyAdd(x, y, z) : x * y + z;

    // Same formula as GemmScalar.Update so edge tiles round exactly like full ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc, float alpha, float beta)
    {
        var scaled = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (acc * scaled).Store(c);
        }
        else if (beta == 1f)
        {
            Madd(scaled, acc, Vector256.Load(c)).Store(c);
        }
        else
        {
            Madd(scaled, acc, Vector256.Load(c) * beta).Store(c);
        }
    }
}
