using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// Unrolled by hand, one line per row of the register tile, so the JIT keeps every
// accumulator in a register; the k loop is the only loop.
internal static unsafe class GemmKernel128
{
    // C (MR=4, NR=8) op= packed A panel (kc, 4) · packed B panel (kc, 8).
    public static void Kernel4x8(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        var c0a = Vector128<float>.Zero; var c0b = Vector128<float>.Zero;
        var c1a = Vector128<float>.Zero; var c1b = Vector128<float>.Zero;
        var c2a = Vector128<float>.Zero; var c2b = Vector128<float>.Zero;
        var c3a = Vector128<float>.Zero; var c3b = Vector128<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0); var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]); c0a = Madd(a0, b0, c0a); c0b = Madd(a0, b1, c0b);
            var a1 = Vector128.Create(a[1]); c1a = Madd(a1, b0, c1a); c1b = Madd(a1, b1, c1b);
            var a2 = Vector128.Create(a[2]); c2a = Madd(a2, b0, c2a); c2b = Madd(a2, b1, c2b);
            var a3 = Vector128.Create(a[3]); c3a = Madd(a3, b0, c3a); c3b = Madd(a3, b1, c3b);
            a += 4;
            b += 8;
        }
        Store(c + 0 * ldc + 0, c0a, alpha, beta); Store(c + 0 * ldc + 4, c0b, alpha, beta);
        Store(c + 1 * ldc + 0, c1a, alpha, beta); Store(c + 1 * ldc + 4, c1b, alpha, beta);
        Store(c + 2 * ldc + 0, c2a, alpha, beta); Store(c + 2 * ldc + 4, c2b, alpha, beta);
        Store(c + 3 * ldc + 0, c3a, alpha, beta); Store(c + 3 * ldc + 4, c3b, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Madd(Vector128<float> x, Vector128<float> y, Vector128<float> z) =>
        GemmScalar.HasFma ? Vector128.FusedMultiplyAdd(x, y, z) : x * y + z;

    // Same formula as GemmScalar.Update so edge tiles round exactly like full ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> acc, float alpha, float beta)
    {
        var scaled = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (acc * scaled).Store(c);
        }
        else if (beta == 1f)
        {
            Madd(scaled, acc, Vector128.Load(c)).Store(c);
        }
        else
        {
            Madd(scaled, acc, Vector128.Load(c) * beta).Store(c);
        }
    }
}
