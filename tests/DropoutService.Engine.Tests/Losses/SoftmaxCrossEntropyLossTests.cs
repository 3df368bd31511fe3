using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Losses;

public class SoftmaxCrossEntropyLossTests
{
    private readonly SoftmaxCrossEntropyLoss _loss = new();

    [Fact]
    public void Compute_RandomLogits_GradientMatchesCentralDifferences()
    {
        var rng = new Random(11);
        var logits = LossTestHelpers.Random(rng, 4, 5, -3f, 3f);
        var targets = Targets.FromClassIds([0, 4, 2, 2]);

        LossTestHelpers.AssertGradientMatchesCentralDifferences(_loss, logits, targets);
    }

    [Fact]
    public void Compute_KnownValues_MatchesHandComputation()
    {
        // Row 0: equal logits over 2 classes -> p = 1/2, loss ln 2, grad (1/2 - 1, 1/2) / N.
        // Row 1: logits (0, ln 3), class 1 -> p = (1/4, 3/4), loss -ln(3/4), grad (1/4, 3/4 - 1) / N.
        var logits = Tensor.FromSpan(2, 2, [0f, 0f, 0f, MathF.Log(3f)]);
        var gradient = new Tensor(2, 2);

        float loss = _loss.Compute(logits, Targets.FromClassIds([0, 1]), gradient);

        Assert.Equal((Math.Log(2) - Math.Log(0.75)) / 2, loss, 6);
        float[] expected = [-0.25f, 0.25f, 0.125f, -0.125f];
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(expected[k], gradient.Span[k], 6);
        }
    }

    [Fact]
    public void Compute_HugeLogits_FiniteLossAndExactGradient()
    {
        // Row 0: the target's logit is 2e4 below the max -> loss 2e4, p = (1, 0, 0), grad (1, -1, 0) / 2.
        // Row 1: the target holds the max -> loss 0 (e^-1e4 underflows), grad 0.
        // A naive exp(x) overflows to inf and gives NaN; log(softmax) without fusing gives -inf.
        var logits = Tensor.FromSpan(2, 3, [1e4f, -1e4f, 0f, -1e4f, 1e4f, 0f]);
        var gradient = new Tensor(2, 3);

        float loss = _loss.Compute(logits, Targets.FromClassIds([1, 1]), gradient);

        Assert.True(float.IsFinite(loss));
        Assert.Equal(1e4f, loss);
        Assert.Equal([0.5f, -0.5f, 0f, 0f, 0f, 0f], gradient.ToArray());
    }

    [Fact]
    public void Compute_WithoutGradient_SameLossAsWithGradient_IncludingWideRows()
    {
        var rng = new Random(5);
        foreach (int classes in new[] { 7, 600 })   // 600 > the stack budget: the pooled-scratch path
        {
            var logits = LossTestHelpers.Random(rng, 3, classes, -5f, 5f);
            var targets = Targets.FromClassIds([0, classes - 1, classes / 2]);

            float withGradient = _loss.Compute(logits, targets, new Tensor(3, classes));
            float without = _loss.Compute(logits, targets, null);

            Assert.Equal(withGradient, without);
            Assert.True(without > 0f);
        }
    }

    [Fact]
    public void Compute_UsesOnlyCountRowsOfAReusedIdBuffer()
    {
        var logits = Tensor.FromSpan(1, 2, [0f, 0f]);
        var targets = Targets.FromClassIds([1, 99, 99], count: 1);

        float loss = _loss.Compute(logits, targets, null);

        Assert.Equal(MathF.Log(2f), loss, 6);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Compute_ClassIdOutOfRange_ThrowsNamingRowAndId(int badId)
    {
        var logits = new Tensor(2, 3);
        var gradient = Tensor.Filled(2, 3, 7f);

        var ex = Assert.Throws<ArgumentException>(() => _loss.Compute(logits, Targets.FromClassIds([0, badId]), gradient));

        Assert.Contains($"Class id {badId} at row 1", ex.Message);
        Assert.All(gradient.ToArray(), g => Assert.Equal(7f, g));
    }

    [Fact]
    public void Compute_ValueTargets_Throws()
    {
        var logits = new Tensor(2, 3);

        Assert.Throws<ArgumentException>(() => _loss.Compute(logits, Targets.FromValues(new Tensor(2, 3)), null));
    }

    [Fact]
    public void Compute_CountDifferentFromRows_Throws()
    {
        var logits = new Tensor(3, 2);

        var ex = Assert.Throws<ArgumentException>(() => _loss.Compute(logits, Targets.FromClassIds([0, 1]), null));
        Assert.Contains("2 rows", ex.Message);
    }

    [Fact]
    public void Compute_GradientOfWrongShape_Throws()
    {
        var logits = new Tensor(2, 3);

        Assert.Throws<ArgumentException>(() => _loss.Compute(logits, Targets.FromClassIds([0, 1]), new Tensor(3, 2)));
    }

    [Fact]
    public void Compute_AfterWarmUp_DoesNotAllocate()
    {
        var logits = LossTestHelpers.Random(new Random(3), 32, 600, -1f, 1f);
        var targets = Targets.FromClassIds(Enumerable.Range(0, 32).ToArray());
        var gradient = new Tensor(32, 600);
        _loss.Compute(logits, targets, gradient);
        _loss.Compute(logits, targets, null);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            _loss.Compute(logits, targets, gradient);
            _loss.Compute(logits, targets, null);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
