using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Losses;

public class BinaryCrossEntropyWithLogitsLossTests
{
    private readonly BinaryCrossEntropyWithLogitsLoss _loss = new();

    [Fact]
    public void Compute_RandomInputs_GradientMatchesCentralDifferences()
    {
        var rng = new Random(31);
        var logits = LossTestHelpers.Random(rng, 4, 3, -4f, 4f);
        var targets = Targets.FromValues(LossTestHelpers.Random(rng, 4, 3, 0f, 1f));

        LossTestHelpers.AssertGradientMatchesCentralDifferences(_loss, logits, targets);
    }

    [Fact]
    public void Compute_KnownValues_MatchesHandComputation()
    {
        // x = 0: loss ln 2 whatever t, σ = 1/2. x = ln 3, t = 1: σ = 3/4, loss -ln(3/4).
        // Mean over 2 elements; grad (σ - t) / 2 = (1/2 - 0, 3/4 - 1) / 2.
        var logits = Tensor.FromSpan(1, 2, [0f, MathF.Log(3f)]);
        var targets = Targets.FromValues(Tensor.FromSpan(1, 2, [0f, 1f]));
        var gradient = new Tensor(1, 2);

        float loss = _loss.Compute(logits, targets, gradient);

        Assert.Equal((Math.Log(2) - Math.Log(0.75)) / 2, loss, 6);
        Assert.Equal(0.25f, gradient.Span[0], 6);
        Assert.Equal(-0.125f, gradient.Span[1], 6);
    }

    [Fact]
    public void Compute_HugeLogits_FiniteLossAndExactGradient()
    {
        // (1e4, t=0): loss 1e4, σ = 1 -> grad 1/4. (-1e4, t=1): loss 1e4, σ = 0 -> grad -1/4.
        // (1e4, t=1) and (-1e4, t=0): loss 0, grad 0. A naive log(σ(x)) gives log(0) = -inf.
        var logits = Tensor.FromSpan(2, 2, [1e4f, -1e4f, 1e4f, -1e4f]);
        var targets = Targets.FromValues(Tensor.FromSpan(2, 2, [0f, 1f, 1f, 0f]));
        var gradient = new Tensor(2, 2);

        float loss = _loss.Compute(logits, targets, gradient);

        Assert.True(float.IsFinite(loss));
        Assert.Equal(5e3f, loss);
        Assert.Equal([0.25f, -0.25f, 0f, 0f], gradient.ToArray());
    }

    [Fact]
    public void Compute_LongBlockWithExtremeLogits_MatchesDoubleReference()
    {
        // 37 elements: the SIMD body and the scalar tail, with logits up to ±1e4 in both.
        var rng = new Random(41);
        var logits = LossTestHelpers.Random(rng, 1, 37, -30f, 30f);
        var values = LossTestHelpers.Random(rng, 1, 37, 0f, 1f);
        logits.Span[1] = 1e4f;
        logits.Span[2] = -1e4f;
        logits.Span[35] = 1e4f;
        logits.Span[36] = -1e4f;
        var gradient = new Tensor(1, 37);

        float loss = _loss.Compute(logits, Targets.FromValues(values), gradient);

        double expected = 0;
        for (int k = 0; k < 37; k++)
        {
            double x = logits.Span[k], t = values.Span[k];
            expected += Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            double sigmoid = 1 / (1 + Math.Exp(-x));
            Assert.Equal((sigmoid - t) / 37, gradient.Span[k], 6);
        }
        Assert.Equal(expected / 37, loss, 1e-5 * expected / 37);
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void Compute_TargetOutsideUnitInterval_ThrowsNamingRowAndColumn(float bad)
    {
        var targets = Targets.FromValues(Tensor.FromSpan(2, 2, [0f, 1f, 0.5f, bad]));

        var ex = Assert.Throws<ArgumentException>(() => _loss.Compute(new Tensor(2, 2), targets, null));

        Assert.Contains("row 1, column 1", ex.Message);
    }

    [Fact]
    public void Compute_ClassIdTargets_Throws()
    {
        Assert.Throws<ArgumentException>(() => _loss.Compute(new Tensor(2, 1), Targets.FromClassIds([0, 1]), null));
    }
}
