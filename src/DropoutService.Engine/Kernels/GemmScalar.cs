using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DropoutService.Engine.Kernels;

internal static unsafe class GemmScalar
{
    // Fused multiply-add only where the hardware has it: emulating it in software would be exact
    // but far slower than a multiply and an add.
    public static bool HasFma => Fma.IsSupported || AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Madd(float x, float y, float z) => HasFma ? MathF.FusedMultiplyAdd(x, y, z) : x * y + z;

    // Writes the valid rows x cols corner of an edge tile computed into a scratch tile, with the
    // same formula the vector kernels' Store uses, so an element rounds the same in either path.
    public static void Update(float* c, nint ldc, float* tile, int tileStride, int rows, int cols, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* dst = c + i * ldc;
            float* acc = tile + i * tileStride;
            for (int j = 0; j < cols; j++)
            {
                dst[j] = beta == 0f ? acc[j] * alpha
                    : beta == 1f ? Madd(alpha, acc[j], dst[j])
                    : Madd(alpha, acc[j], dst[j] * beta);
            }
        }
    }
}
