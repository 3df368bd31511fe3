using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Layers.Dropout;

/// <summary>
/// Fused dropout kernels: generate the mask and scale in one pass over the data, never materialising
/// a float mask. A bit-packed mask, when asked for, stores element <c>i</c> of a slice in bit
/// <c>i % 64</c> of word <c>i / 64</c>; slices therefore start at multiples of 64 elements.
/// </summary>
internal static class DropoutKernels
{
    /// <summary>Elements per bit-mask word; slices handed to different threads start at multiples of this.</summary>
    public const int BitsPerWord = 64;

    /// <summary>The number of mask words covering <paramref name="length"/> elements.</summary>
    public static int WordsFor(int length) => (int)(((long)length + BitsPerWord - 1) / BitsPerWord);

    /// <summary>The path <paramref name="kernel"/> resolves to on this machine.</summary>
    public static MaskKernel Resolve(MaskKernel kernel) => kernel switch
    {
        MaskKernel.Auto when Vector512.IsHardwareAccelerated => MaskKernel.Vector512,
        MaskKernel.Auto when Vector256.IsHardwareAccelerated => MaskKernel.Vector256,
        MaskKernel.Auto => MaskKernel.Scalar,
        _ => kernel,
    };

    /// <summary>
    /// destination[i] = mask keeps element (firstIndex + i) ? source[i] · scale : 0, and, when
    /// <paramref name="bits"/> is not empty, records the keep bits. Forward uses it on the input;
    /// backward, when it regenerates the mask, uses it unchanged on the output gradient.
    /// </summary>
    public static void Apply(in DropoutMask mask, ReadOnlySpan<float> source, Span<float> destination, int firstIndex, Span<ulong> bits, MaskKernel kernel)
    {
        Debug.Assert(destination.Length == source.Length);
        Debug.Assert(bits.IsEmpty || (firstIndex % BitsPerWord == 0 && bits.Length >= WordsFor(source.Length)));
        int done = Resolve(kernel) switch
        {
            MaskKernel.Vector512 => Apply512(mask, source, destination, firstIndex, bits),
            MaskKernel.Vector256 => Apply256(mask, source, destination, firstIndex, bits),
            _ => 0,
        };
        ApplyScalar(mask, source, destination, firstIndex, bits, done);
    }

    /// <summary>destination[i] = bit i of <paramref name="bits"/> ? source[i] · scale : 0 (backward from a stored mask).</summary>
    public static void ApplyBits(ReadOnlySpan<ulong> bits, float scale, ReadOnlySpan<float> source, Span<float> destination, MaskKernel kernel)
    {
        Debug.Assert(destination.Length == source.Length && bits.Length >= WordsFor(source.Length));
        int done = Resolve(kernel) switch
        {
            MaskKernel.Vector512 => ApplyBits512(bits, scale, source, destination),
            MaskKernel.Vector256 => ApplyBits256(bits, scale, source, destination),
            _ => 0,
        };
        ApplyBitsScalar(bits, scale, source, destination, done);
    }

    // Whole groups of 64 elements: four 16-lane hashes per mask word.
    private static int Apply512(in DropoutMask mask, ReadOnlySpan<float> source, Span<float> destination, int firstIndex, Span<ulong> bits)
    {
        int n = source.Length & ~(BitsPerWord - 1);
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        var keyLow = Vector512.Create(mask.KeyLow);
        var keyHigh = Vector512.Create(mask.KeyHigh);
        var keepMax = Vector512.Create(mask.KeepMax);
        var scale = Vector512.Create(mask.Scale);
        var counter = Vector512.Create((uint)firstIndex) + Vector512<uint>.Indices;
        bool record = !bits.IsEmpty;
        for (int i = 0; i < n; i += BitsPerWord)
        {
            nuint at = (nuint)i;
            var k0 = Vector512.LessThanOrEqual(CounterRandom.Hash(keyLow, keyHigh, counter), keepMax);
            var k1 = Vector512.LessThanOrEqual(CounterRandom.Hash(keyLow, keyHigh, counter + Vector512.Create(16u)), keepMax);
            var k2 = Vector512.LessThanOrEqual(CounterRandom.Hash(keyLow, keyHigh, counter + Vector512.Create(32u)), keepMax);
            var k3 = Vector512.LessThanOrEqual(CounterRandom.Hash(keyLow, keyHigh, counter + Vector512.Create(48u)), keepMax);
            (Vector512.LoadUnsafe(ref src, at) * scale & k0.AsSingle()).StoreUnsafe(ref dst, at);
            (Vector512.LoadUnsafe(ref src, at + 16) * scale & k1.AsSingle()).StoreUnsafe(ref dst, at + 16);
            (Vector512.LoadUnsafe(ref src, at + 32) * scale & k2.AsSingle()).StoreUnsafe(ref dst, at + 32);
            (Vector512.LoadUnsafe(ref src, at + 48) * scale & k3.AsSingle()).StoreUnsafe(ref dst, at + 48);
            if (record)
            {
                bits[i / BitsPerWord] = k0.ExtractMostSignificantBits()
                    | (k1.ExtractMostSignificantBits() << 16)
                    | (k2.ExtractMostSignificantBits() << 32)
                    | (k3.ExtractMostSignificantBits() << 48);
            }
            counter += Vector512.Create(64u);
        }
        return n;
    }

    private static int Apply256(in DropoutMask mask, ReadOnlySpan<float> source, Span<float> destination, int firstIndex, Span<ulong> bits)
    {
        int n = source.Length & ~(BitsPerWord - 1);
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        var keyLow = Vector256.Create(mask.KeyLow);
        var keyHigh = Vector256.Create(mask.KeyHigh);
        var keepMax = Vector256.Create(mask.KeepMax);
        var scale = Vector256.Create(mask.Scale);
        var counter = Vector256.Create((uint)firstIndex) + Vector256<uint>.Indices;
        bool record = !bits.IsEmpty;
        for (int i = 0; i < n; i += BitsPerWord)
        {
            ulong word = 0;
            for (int j = 0; j < BitsPerWord; j += 8)
            {
                nuint at = (nuint)(i + j);
                var keep = Vector256.LessThanOrEqual(CounterRandom.Hash(keyLow, keyHigh, counter), keepMax);
                (Vector256.LoadUnsafe(ref src, at) * scale & keep.AsSingle()).StoreUnsafe(ref dst, at);
                word |= (ulong)keep.ExtractMostSignificantBits() << j;
                counter += Vector256.Create(8u);
            }
            if (record)
            {
                bits[i / BitsPerWord] = word;
            }
        }
        return n;
    }

    private static void ApplyScalar(in DropoutMask mask, ReadOnlySpan<float> source, Span<float> destination, int firstIndex, Span<ulong> bits, int start)
    {
        uint keyLow = mask.KeyLow, keyHigh = mask.KeyHigh, keepMax = mask.KeepMax;
        float scale = mask.Scale;
        bool record = !bits.IsEmpty;
        for (int i = start; i < source.Length; i += BitsPerWord)
        {
            int end = Math.Min(i + BitsPerWord, source.Length);
            ulong word = 0;
            for (int j = i; j < end; j++)
            {
                bool keep = CounterRandom.Hash(keyLow, keyHigh, (uint)(firstIndex + j)) <= keepMax;
                destination[j] = keep ? source[j] * scale : 0f;
                word |= (keep ? 1UL : 0UL) << (j - i);
            }
            if (record)
            {
                bits[i / BitsPerWord] = word;
            }
        }
    }

    private static int ApplyBits512(ReadOnlySpan<ulong> bits, float scale, ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length & ~(BitsPerWord - 1);
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        var scaleV = Vector512.Create(scale);
        var lane = Vector512.Create(1u, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7,
            1u << 8, 1u << 9, 1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15);
        for (int i = 0; i < n; i += BitsPerWord)
        {
            ulong word = bits[i / BitsPerWord];
            nuint at = (nuint)i;
            Store512(ref src, ref dst, at, scaleV, lane, (uint)word);
            Store512(ref src, ref dst, at + 16, scaleV, lane, (uint)(word >> 16));
            Store512(ref src, ref dst, at + 32, scaleV, lane, (uint)(word >> 32));
            Store512(ref src, ref dst, at + 48, scaleV, lane, (uint)(word >> 48));
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(ref float src, ref float dst, nuint at, Vector512<float> scale, Vector512<uint> lane, uint bits16)
    {
        // Lane l is dropped when bit l is clear; only the low 16 bits of bits16 can survive the AND.
        var dropped = Vector512.Equals(Vector512.Create(bits16) & lane, Vector512<uint>.Zero);
        Vector512.AndNot(Vector512.LoadUnsafe(ref src, at) * scale, dropped.AsSingle()).StoreUnsafe(ref dst, at);
    }

    private static int ApplyBits256(ReadOnlySpan<ulong> bits, float scale, ReadOnlySpan<float> source, Span<float> destination)
    {
        int n = source.Length & ~(BitsPerWord - 1);
        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        var scaleV = Vector256.Create(scale);
        var lane = Vector256.Create(1u, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7);
        for (int i = 0; i < n; i += BitsPerWord)
        {
            ulong word = bits[i / BitsPerWord];
            for (int j = 0; j < BitsPerWord; j += 8)
            {
                nuint at = (nuint)(i + j);
                var dropped = Vector256.Equals(Vector256.Create((uint)(word >> j)) & lane, Vector256<uint>.Zero);
                Vector256.AndNot(Vector256.LoadUnsafe(ref src, at) * scaleV, dropped.AsSingle()).StoreUnsafe(ref dst, at);
            }
        }
        return n;
    }

    private static void ApplyBitsScalar(ReadOnlySpan<ulong> bits, float scale, ReadOnlySpan<float> source, Span<float> destination, int start)
    {
        for (int i = start; i < source.Length; i++)
        {
            bool keep = ((bits[i / BitsPerWord] >> (i % BitsPerWord)) & 1UL) != 0;
            destination[i] = keep ? source[i] * scale : 0f;
        }
    }
}
