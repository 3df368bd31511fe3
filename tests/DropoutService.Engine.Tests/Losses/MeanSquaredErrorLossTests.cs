using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Losses;

public class MeanSquaredErrorLossTests
{
    private readonly MeanSquaredErrorLoss _loss = new();

    [Fact]
    public void Compute_RandomInputs_GradientMatchesCentralDifferences()
    {
        var rng = new Random(21);
        var outputs = LossTestHelpers.Random(rng, 4, 3, -2f, 2f);
        var targets = Targets.FromValues(LossTestHelpers.Random(rng, 4, 3, -2f, 2f));

        LossTestHelpers.AssertGradientMatchesCentralDifferences(_loss, outputs, targets);
    }

    [Fact]
    public void Compute_KnownValues_MeanOverAllElements()
    {
        // diffs (1, -2, 0, 3): squares sum 14 over N·Out = 4 -> 3.5; grad 2·diff / 4 = diff / 2.
        var outputs = Tensor.FromSpan(2, 2, [1f, 0f, 5f, 3f]);
        var targets = Targets.FromValues(Tensor.FromSpan(2, 2, [0f, 2f, 5f, 0f]));
        var gradient = new Tensor(2, 2);

        float loss = _loss.Compute(outputs, targets, gradient);

        Assert.Equal(3.5f, loss);
        Assert.Equal([0.5f, -1f, 0f, 1.5f], gradient.ToArray());
    }

    [Fact]
    public void Compute_WithoutGradient_SameLossAsWithGradient_IncludingWideRows()
    {
        var rng = new Random(8);
        foreach (int width in new[] { 3, 700 })
        {
            var outputs = LossTestHelpers.Random(rng, 2, width, -1f, 1f);
            var targets = Targets.FromValues(LossTestHelpers.Random(rng, 2, width, -1f, 1f));

            float withGradient = _loss.Compute(outputs, targets, new Tensor(2, width));
            float without = _loss.Compute(outputs, targets, null);

            Assert.Equal(withGradient, without);
            Assert.True(without > 0f);
        }
    }

    [Fact]
    public void Compute_ClassIdTargets_Throws()
    {
        Assert.Throws<ArgumentException>(() => _loss.Compute(new Tensor(2, 1), Targets.FromClassIds([0, 0]), null));
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void Compute_TargetsOfOtherShape_Throws(int rows, int columns)
    {
        Assert.Throws<ArgumentException>(() => _loss.Compute(new Tensor(2, 2), Targets.FromValues(new Tensor(rows, columns)), null));
    }
}
