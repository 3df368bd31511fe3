using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Tests.Layers.Dropout;

public class DropoutMaskTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    [InlineData(0.99999994f)] // the largest float below 1: keep probability 2^-24
    [InlineData(1e-30f)]
    public void KeepProbability_AnyRate_WithinTwoToMinus33OfOneMinusRate(float rate)
    {
        // Act
        var mask = new DropoutMask(1, 2, 3, rate);

        // Assert
        Assert.InRange(mask.KeepProbability - (1.0 - rate), -Math.Pow(2, -33), Math.Pow(2, -33));
        Assert.Equal((float)(1.0 / (1.0 - rate)), mask.Scale);
    }

    [Fact]
    public void IsKept_RateZero_KeepsEveryElement()
    {
        var mask = new DropoutMask(1, 2, 3, 0f);
        Assert.Equal(uint.MaxValue, mask.KeepMax);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(mask.IsKept(i));
        }
    }

    [Fact]
    public void IsKept_ThresholdRule_MatchesHashComparison()
    {
        // Arrange
        var mask = new DropoutMask(5, 6, 7, 0.25f);
        ulong key = CounterRandom.DeriveKey(5, 6, 7);

        // Assert: keep ⟺ hash ≤ round(0.75 · 2^32) - 1.
        Assert.Equal(key, mask.Key);
        Assert.Equal(3u * (1u << 30) - 1u, mask.KeepMax);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.Equal(CounterRandom.Hash(key, (uint)i) <= 3u * (1u << 30) - 1u, mask.IsKept(i));
        }
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Constructor_InvalidRate_Throws(float rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutMask(0, 0, 0, rate));
        Assert.Equal("rate", e.ParamName);
    }
}
