using System.Numerics;
using System.Runtime.Intrinsics;

using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Tests.Randomness;

public class CounterRandomTests
{
    private const int Samples = 1 << 20;
    private static readonly ulong[] Keys = [CounterRandom.DeriveKey(0, 0, 0), CounterRandom.DeriveKey(42, 7, 3), 0UL, ulong.MaxValue];

    [Fact]
    public void Hash_KnownValues_NeverChange()
    {
        // The mapping (seed, step, layer, element) -> mask is part of the service contract (a
        // stateless Backward RPC recomputes forward's masks), so these values are pinned.
        // (Computed independently with a Python transcription of the documented algorithm.)
        Assert.Equal(0x25C3EE710B1E100CUL, CounterRandom.DeriveKey(0, 0, 0));
        Assert.Equal(0xECD5187FA6DD6615UL, CounterRandom.DeriveKey(42, 7, 3));
        Assert.Equal(0xE174161A775AD10FUL, CounterRandom.DeriveKey(1, -1, 2));
        Assert.Equal(0xD755F0CDu, CounterRandom.Hash(0UL, 1u));
        Assert.Equal(0x4BD69D90u, CounterRandom.Hash(0xECD5187FA6DD6615UL, 12345u));
    }

    [Fact]
    public void Hash_VectorPaths_MatchScalarBitForBit()
    {
        foreach (ulong key in Keys)
        {
            var low512 = Vector512.Create((uint)key);
            var high512 = Vector512.Create((uint)(key >> 32));
            var low256 = Vector256.Create((uint)key);
            var high256 = Vector256.Create((uint)(key >> 32));
            foreach (uint start in new uint[] { 0, 1_000_000, uint.MaxValue - 15 })
            {
                var h512 = CounterRandom.Hash(low512, high512, Vector512.Create(start) + Vector512<uint>.Indices);
                var h256 = CounterRandom.Hash(low256, high256, Vector256.Create(start) + Vector256<uint>.Indices);
                for (int lane = 0; lane < 16; lane++)
                {
                    uint scalar = CounterRandom.Hash(key, unchecked(start + (uint)lane));
                    Assert.Equal(scalar, h512[lane]);
                    if (lane < 8)
                    {
                        Assert.Equal(scalar, h256[lane]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Hash_ConsecutiveCounters_EveryOutputBitBalanced()
    {
        // Each bit is set with probability 1/2: over 2^20 counters its count is within 5 sigma
        // (sigma = sqrt(n)/2 = 512) of n/2. A weak mix of a counter (e.g. a missing round) leaves
        // low bits periodic or high bits constant and fails by hundreds of sigma.
        foreach (ulong key in Keys)
        {
            var counts = new int[32];
            for (uint c = 0; c < Samples; c++)
            {
                uint h = CounterRandom.Hash(key, c);
                for (int b = 0; b < 32; b++)
                {
                    counts[b] += (int)((h >> b) & 1);
                }
            }
            double bound = 5 * Math.Sqrt(Samples) / 2;
            for (int b = 0; b < 32; b++)
            {
                Assert.True(Math.Abs(counts[b] - Samples / 2.0) <= bound, $"key {key:X16} bit {b}: {counts[b]} of {Samples}");
            }
        }
    }

    [Fact]
    public void Hash_ConsecutiveCounters_TopBitsPassChiSquare()
    {
        // Top 10 bits into 1024 bins over 2^20 counters: chi-square with 1023 degrees of freedom.
        // Two-sided at p = 1e-6 (Wilson-Hilferty): [822, 1253]. The lower bound matters: a hash
        // that merely permutes consecutive counters evenly (e.g. an identity-like top bits) is
        // "too uniform" and lands far below it.
        foreach (ulong key in Keys)
        {
            var bins = new int[1024];
            for (uint c = 0; c < Samples; c++)
            {
                bins[CounterRandom.Hash(key, c) >> 22]++;
            }
            double expected = Samples / 1024.0;
            double chi2 = bins.Sum(o => (o - expected) * (o - expected) / expected);
            Assert.InRange(chi2, 822.0, 1253.0);
        }
    }

    [Fact]
    public void Hash_FlippingOneCounterBit_FlipsHalfTheOutputBits()
    {
        // Avalanche: over 4096 counters, flipping input bit j changes on average 16 of 32 output
        // bits (sd per sample ≈ 2.83, so the mean's sd ≈ 0.044); [15.5, 16.5] is > 10 sigma wide
        // and a structurally weak bit (e.g. the top counter bit without a down-shift) sits near 1-8.
        ulong key = Keys[1];
        for (int j = 0; j < 32; j++)
        {
            long flipped = 0;
            for (uint c = 0; c < 4096; c++)
            {
                uint x = c * 0x9E3779B9u;
                flipped += BitOperations.PopCount(CounterRandom.Hash(key, x) ^ CounterRandom.Hash(key, x ^ (1u << j)));
            }
            Assert.InRange(flipped / 4096.0, 15.5, 16.5);
        }
    }

    [Fact]
    public void DeriveKey_DistinctSeedsStepsAndLayers_DistinctKeys()
    {
        var keys = new HashSet<ulong>();
        for (ulong seed = 0; seed < 16; seed++)
        {
            for (long step = -2; step < 62; step++)
            {
                for (int layer = 0; layer < 8; layer++)
                {
                    Assert.True(keys.Add(CounterRandom.DeriveKey(seed, step, layer)), $"collision at ({seed}, {step}, {layer})");
                }
            }
        }
    }
}
