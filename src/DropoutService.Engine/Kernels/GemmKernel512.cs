using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// Unrolled by hand, one line per row of the register tile, so the JIT keeps every
// accumulator in a register; the k loop is the only loop.
internal static unsafe class GemmKernel512
{
    // C (MR=12, NR=32) op= packed A panel (kc, 12) · packed B panel (kc, 32).
    public static void Kernel12x32(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        var c0a = Vector512<float>.Zero; var c0b = Vector512<float>.Zero;
        var c1a = Vector512<float>.Zero; var c1b = Vector512<float>.Zero;
        var c2a = Vector512<float>.Zero; var c2b = Vector512<float>.Zero;
        var c3a = Vector512<float>.Zero; var c3b = Vector512<float>.Zero;
        var c4a = Vector512<float>.Zero; var c4b = Vector512<float>.Zero;
        var c5a = Vector512<float>.Zero; var c5b = Vector512<float>.Zero;
        var c6a = Vector512<float>.Zero; var c6b = Vector512<float>.Zero;
        var c7a = Vector512<float>.Zero; var c7b = Vector512<float>.Zero;
        var c8a = Vector512<float>.Zero; var c8b = Vector512<float>.Zero;
        var c9a = Vector512<float>.Zero; var c9b = Vector512<float>.Zero;
        var c10a = Vector512<float>.Zero; var c10b = Vector512<float>.Zero;
        var c11a = Vector512<float>.Zero; var c11b = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0); var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]); c0a = Madd(a0, b0, c0a); c0b = Madd(a0, b1, c0b);
            var a1 = Vector512.Create(a[1]); c1a = Madd(a1, b0, c1a); c1b = Madd(a1, b1, c1b);
            var a2 = Vector512.Create(a[2]); c2a = Madd(a2, b0, c2a); c2b = Madd(a2, b1, c2b);
            var a3 = Vector512.Create(a[3]); c3a = Madd(a3, b0, c3a); c3b = Madd(a3, b1, c3b);
            var a4 = Vector512.Create(a[4]); c4a = Madd(a4, b0, c4a); c4b = Madd(a4, b1, c4b);
            var a5 = Vector512.Create(a[5]); c5a = Madd(a5, b0, c5a); c5b = Madd(a5, b1, c5b);
            var a6 = Vector512.Create(a[6]); c6a = Madd(a6, b0, c6a); c6b = Madd(a6, b1, c6b);
            var a7 = Vector512.Create(a[7]); c7a = Madd(a7, b0, c7a); c7b = Madd(a7, b1, c7b);
            var a8 = Vector512.Create(a[8]); c8a = Madd(a8, b0, c8a); c8b = Madd(a8, b1, c8b);
            var a9 = Vector512.Create(a[9]); c9a = Madd(a9, b0, c9a); c9b = Madd(a9, b1, c9b);
            var a10 = Vector512.Create(a[10]); c10a = Madd(a10, b0, c10a); c10b = Madd(a10, b1, c10b);
            var a11 = Vector512.Create(a[11]); c11a = Madd(a11, b0, c11a); c11b = Madd(a11, b1, c11b);
            a += 12;
            b += 32;
        }
        Store(c + 0 * ldc + 0, c0a, alpha, beta); Store(c + 0 * ldc + 16, c0b, alpha, beta);
        Store(c + 1 * ldc + 0, c1a, alpha, beta); Store(c + 1 * ldc + 16, c1b, alpha, beta);
        Store(c + 2 * ldc + 0, c2a, alpha, beta); Store(c + 2 * ldc + 16, c2b, alpha, beta);
        Store(c + 3 * ldc + 0, c3a, alpha, beta); Store(c + 3 * ldc + 16, c3b, alpha, beta);
        Store(c + 4 * ldc + 0, c4a, alpha, beta); Store(c + 4 * ldc + 16, c4b, alpha, beta);
        Store(c + 5 * ldc + 0, c5a, alpha, beta); Store(c + 5 * ldc + 16, c5b, alpha, beta);
        Store(c + 6 * ldc + 0, c6a, alpha, beta); Store(c + 6 * ldc + 16, c6b, alpha, beta);
        Store(c + 7 * ldc + 0, c7a, alpha, beta); Store(c + 7 * ldc + 16, c7b, alpha, beta);
        Store(c + 8 * ldc + 0, c8a, alpha, beta); Store(c + 8 * ldc + 16, c8b, alpha, beta);
        Store(c + 9 * ldc + 0, c9a, alpha, beta); Store(c + 9 * ldc + 16, c9b, alpha, beta);
        Store(c + 10 * ldc + 0, c10a, alpha, beta); Store(c + 10 * ldc + 16, c10b, alpha, beta);
        Store(c + 11 * ldc + 0, c11a, alpha, beta); Store(c + 11 * ldc + 16, c11b, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Madd(Vector512<float> x, Vector512<float> y, Vector512<float> z) => Vector512.FusedMultiplyAdd(x, y, z);

    // Same formula as GemmScalar.Update so edge tiles round exactly like full ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc, float alpha, float beta)
    {
        var scaled = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (acc * scaled).Store(c);
        }
        else if (beta == 1f)
        {
            Madd(scaled, acc, Vector512.Load(c)).Store(c);
        }
        else
        {
            Madd(scaled, acc, Vector512.Load(c) * beta).Store(c);
        }
    }
}
