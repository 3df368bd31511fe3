using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Kernels;

// The register tile of the managed GEMM: MR rows of op(A) times NR columns of op(B) kept in
// vector registers for a whole kc-long panel product.
internal enum GemmKernelKind
{
    // 12 x 32 with Vector512: 24 zmm accumulators, 2 B vectors and a broadcast fit in 32 registers.
    Vector512,

    // 6 x 16 with Vector256: 12 accumulators fit in the 16 ymm registers of AVX2.
    Vector256,

    // 4 x 8 with Vector128: 8 accumulators, for SSE/NEON machines.
    Vector128,
}

internal static class GemmKernelKindExtensions
{
    public static int Mr(this GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => 12,
        GemmKernelKind.Vector256 => 6,
        _ => 4,
    };

    public static int Nr(this GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => 32,
        GemmKernelKind.Vector256 => 16,
        _ => 8,
    };

    public static GemmKernelKind Best() =>
        Vector512.IsHardwareAccelerated ? GemmKernelKind.Vector512
        : Vector256.IsHardwareAccelerated ? GemmKernelKind.Vector256
        : GemmKernelKind.Vector128;

    public static bool IsSupported(this GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => Vector512.IsHardwareAccelerated,
        GemmKernelKind.Vector256 => Vector256.IsHardwareAccelerated,
        _ => true,
    };
}
