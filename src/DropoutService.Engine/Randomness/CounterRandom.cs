using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DropoutService.Engine.Randomness;

/// <summary>
/// A counter-based (stateless) random generator: the random word for element <c>i</c> of a stream
/// is a pure function <c>Hash(key, i)</c>, so any element can be generated without the ones before
/// it, in any order, on any thread, by scalar or SIMD code, always with the same bits.
/// </summary>
/// <remarks>
/// <para><b>Key.</b> <see cref="DeriveKey"/> folds (seed, step, stream) into a 64-bit key with three
/// chained <see cref="SplitMix64.Mix"/> calls (a bijective 64-bit finaliser with full avalanche),
/// so keys of different (seed, step, stream) triples collide only with probability about 2^-64 and
/// share no visible structure (consecutive steps give unrelated keys).</para>
/// <para><b>Per-element hash.</b> <see cref="Hash(ulong, uint)"/> is two rounds of a
/// multiply-xorshift integer finaliser on 32-bit words with the key injected before each round:
/// <code>
/// x = counter ^ key.lo
/// x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16   // "lowbias32" constants (Wellons' hash-prospector)
/// x ^= key.hi
/// x ^= x >> 16; x *= 0x85EBCA6B; x ^= x >> 13; x *= 0xC2B2AE35; x ^= x >> 16   // MurmurHash3 fmix32 constants
/// </code>
/// Each round is a bijection with near-ideal avalanche (every input bit flips each output bit with
/// probability close to 1/2), so two rounds with a 64-bit key give outputs that pass the bit-balance
/// and chi-square checks in the tests and are, for practical purposes, independent across counters
/// and across keys. For a fixed key the map counter -> hash is a permutation of the 32-bit words,
/// so within one stream no word repeats (for ~10^6 elements out of 2^32 this is statistically
/// invisible).</para>
/// <para><b>Why this generator.</b> Dropout needs one Bernoulli draw per element at memory speed.
/// Sequential generators (PCG, xoshiro, <see cref="SplitMix64"/>) carry state from element to
/// element, which serialises the loop and ties the result to the order and thread split of the work.
/// Philox4x32-10 is the classic counter-based choice but needs ten rounds of 32x32->64-bit
/// multiplies, whose high halves AVX2/AVX-512 only produce for even lanes. The hash used here needs
/// four 32-bit low multiplies (<c>vpmulld</c>, one instruction for 16 lanes with AVX-512) and a
/// handful of shifts and xors, so generating a mask costs less than moving the data it is applied to.
/// 32-bit words are enough: dropout compares the word with a threshold, which makes the keep
/// probability exact to 2^-32.</para>
/// <para>The derivation and the hash are part of the service's contract (a stateless Backward RPC
/// recomputes forward's masks from the seed), so they must never change silently.</para>
/// </remarks>
public static class CounterRandom
{
    private const uint Round1A = 0x7FEB352Du;
    private const uint Round1B = 0x846CA68Bu;
    private const uint Round2A = 0x85EBCA6Bu;
    private const uint Round2B = 0xC2B2AE35u;

    /// <summary>The 64-bit key of the stream (seed, step, stream), e.g. stream = a dropout layer's index.</summary>
    public static ulong DeriveKey(ulong seed, long step, int stream)
    {
        // Domain-separation constant (fractional bits of sqrt 2) so that seed 0 does not start at Mix(0) = 0.
        ulong z = SplitMix64.Mix(seed ^ 0x6A09E667F3BCC909UL);
        z = SplitMix64.Mix(z ^ (ulong)step);
        return SplitMix64.Mix(z ^ ((ulong)(uint)stream * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>The random 32-bit word for element <paramref name="counter"/> of the stream <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ulong key, uint counter) => Hash((uint)key, (uint)(key >> 32), counter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(uint keyLow, uint keyHigh, uint counter)
    {
        uint x = counter ^ keyLow;
        x ^= x >> 16;
        x *= Round1A;
        x ^= x >> 15;
        x *= Round1B;
        x ^= x >> 16;
        x ^= keyHigh;
        x ^= x >> 16;
        x *= Round2A;
        x ^= x >> 13;
        x *= Round2B;
        x ^= x >> 16;
        return x;
    }

    /// <summary>16 lanes of <see cref="Hash(uint, uint, uint)"/>; bit-identical to the scalar form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<uint> Hash(Vector512<uint> keyLow, Vector512<uint> keyHigh, Vector512<uint> counter)
    {
        var x = counter ^ keyLow;
        x ^= x >>> 16;
        x *= Round1A;
        x ^= x >>> 15;
        x *= Round1B;
        x ^= x >>> 16;
        x ^= keyHigh;
        x ^= x >>> 16;
        x *= Round2A;
        x ^= x >>> 13;
        x *= Round2B;
        x ^= x >>> 16;
        return x;
    }

    /// <summary>8 lanes of <see cref="Hash(uint, uint, uint)"/>; bit-identical to the scalar form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<uint> Hash(Vector256<uint> keyLow, Vector256<uint> keyHigh, Vector256<uint> counter)
    {
        var x = counter ^ keyLow;
        x ^= x >>> 16;
        x *= Round1A;
        x ^= x >>> 15;
        x *= Round1B;
        x ^= x >>> 16;
        x ^= keyHigh;
        x ^= x >>> 16;
        x *= Round2A;
        x ^= x >>> 13;
        x *= Round2B;
        x ^= x >>> 16;
        return x;
    }
}
