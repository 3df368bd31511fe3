using System.Runtime.CompilerServices;
using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Layers.Dropout;

/// <summary>
/// The dropout mask of one (seed, step, layer) at one rate: element <c>i</c> (row * columns + column)
/// is kept when <c>CounterRandom.Hash(key, i) ≤ KeepMax</c>, with
/// <c>KeepMax = round((1 - rate) · 2^32) - 1</c>, so the keep probability is <c>1 - rate</c> to within
/// 2^-33 (and exactly 1 for rate 0). Kept elements are scaled by <see cref="Scale"/> = 1 / (1 - rate).
/// </summary>
/// <remarks>
/// The mask is a pure function of its key: it does not depend on the batch being processed, on the
/// order elements are visited in, on the number of threads, or on the SIMD width. This is what lets
/// backward regenerate forward's mask and a stateless Backward RPC recompute it from the seed.
/// </remarks>
public readonly struct DropoutMask
{
    private const double TwoTo32 = 4294967296.0;

    /// <summary>The mask of layer <paramref name="layer"/> in the pass (<paramref name="seed"/>, <paramref name="step"/>).</summary>
    /// <param name="seed">The pass's random key.</param>
    /// <param name="step">The pass's counter (training step or Monte-Carlo sample).</param>
    /// <param name="layer">The dropout layer's index in its model.</param>
    /// <param name="rate">Drop probability in [0, 1).</param>
    public DropoutMask(ulong seed, long step, int layer, float rate)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Dropout rate (drop probability) must be in [0, 1), got {rate}.");
        }
        Key = CounterRandom.DeriveKey(seed, step, layer);
        Rate = rate;
        // In double, 1 - rate is exact for every float rate, and p ≥ 2^-24 so KeepMax ≥ 255.
        double keep = 1.0 - rate;
        KeepMax = (uint)(Math.Round(keep * TwoTo32) - 1.0);
        Scale = (float)(1.0 / keep);
    }

    /// <summary>The 64-bit generator key derived from (seed, step, layer).</summary>
    public ulong Key { get; }

    /// <summary>Drop probability.</summary>
    public float Rate { get; }

    /// <summary>The factor kept elements are multiplied by: 1 / (1 - rate) rounded once to float32.</summary>
    public float Scale { get; }

    /// <summary>Largest hash word that keeps its element.</summary>
    public uint KeepMax { get; }

    /// <summary>The exact probability that an element is kept: (KeepMax + 1) / 2^32.</summary>
    public double KeepProbability => (KeepMax + 1.0) / TwoTo32;

    internal uint KeyLow => (uint)Key;

    internal uint KeyHigh => (uint)(Key >> 32);

    /// <summary>Whether element <paramref name="index"/> (row * columns + column) is kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsKept(int index) => CounterRandom.Hash(KeyLow, KeyHigh, (uint)index) <= KeepMax;
}
