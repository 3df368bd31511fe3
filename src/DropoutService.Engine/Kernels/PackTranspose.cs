using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DropoutService.Engine.Kernels;

// The gathering half of packing: `rows` source rows, each contiguous along the depth p, become a
// depth-major panel dst[p * width + r] (zero for r >= rows). Done 8 x 8 at a time with an AVX
// register transpose; a scalar loop finishes ragged edges and serves machines without AVX.
internal static unsafe class PackTranspose
{
    public static void Run(float* src, nint ld, int rows, int kc, int width, float* dst)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= rows; r += 8)
            {
                float* s = src + r * ld;
                int p = 0;
                for (; p + 8 <= kc; p += 8)
                {
                    Transpose8x8(s + p, ld, dst + (nint)p * width + r, width);
                }
                Scalar(s, ld, 8, p, kc, width, dst + r);
            }
        }
        Scalar(src + r * ld, ld, rows - r, 0, kc, width, dst + r);
        for (int z = rows; z < width; z++)
        {
            for (int p = 0; p < kc; p++)
            {
                dst[(nint)p * width + z] = 0f;
            }
        }
    }

    private static void Scalar(float* src, nint ld, int rows, int p0, int kc, int width, float* dst)
    {
        for (int p = p0; p < kc; p++)
        {
            float* d = dst + (nint)p * width;
            for (int i = 0; i < rows; i++)
            {
                d[i] = src[i * ld + p];
            }
        }
    }

    // Rows r0..r7 of 8 floats in, columns out: out[c] = (r0[c], ..., r7[c]).
    private static void Transpose8x8(float* s, nint ld, float* d, nint width)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + ld);
        var r2 = Avx.LoadVector256(s + 2 * ld);
        var r3 = Avx.LoadVector256(s + 3 * ld);
        var r4 = Avx.LoadVector256(s + 4 * ld);
        var r5 = Avx.LoadVector256(s + 5 * ld);
        var r6 = Avx.LoadVector256(s + 6 * ld);
        var r7 = Avx.LoadVector256(s + 7 * ld);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * width, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * width, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * width, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * width, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * width, Avx.Permute2x128(u3, u7, 0x31));
    }
}
