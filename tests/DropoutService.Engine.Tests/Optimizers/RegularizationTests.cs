using DropoutService.Engine.Layers;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Optimizers;

public class RegularizationTests
{
    [Fact]
    public void AddWeightDecay_AddsLambdaTimesWeightToWeightGradientsOnly()
    {
        // weight grad (0.5, -0.5, 0, 1) + 0.01·(2, -4, 10, 0) = (0.52, -0.54, 0.1, 1); bias untouched.
        var weight = new Parameter("dense0", "weight", ParameterKind.Weight, Tensor.FromSpan(2, 2, [2f, -4f, 10f, 0f]));
        var bias = new Parameter("dense0", "bias", ParameterKind.Bias, Tensor.FromSpan(1, 2, [100f, -100f]));
        new float[] { 0.5f, -0.5f, 0f, 1f }.CopyTo(weight.Gradient.Span);
        new float[] { 0.25f, 0.75f }.CopyTo(bias.Gradient.Span);

        Regularization.AddWeightDecay([weight, bias], 0.01f);

        var g = weight.Gradient.ToArray();
        float[] expected = [0.52f, -0.54f, 0.1f, 1f];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i], g[i], 6);
        }
        Assert.Equal([0.25f, 0.75f], bias.Gradient.ToArray());
    }

    [Fact]
    public void AddWeightDecay_IsTheGradientOfHalfLambdaSquaredNorm()
    {
        // d/dw of (λ/2)·||w||² is λ·w: with a zero loss gradient the decay term alone must equal it.
        var weight = new Parameter("dense0", "weight", ParameterKind.Weight, Tensor.FromSpan(1, 3, [1f, -2f, 3f]));

        Regularization.AddWeightDecay([weight], 0.5f);

        Assert.Equal([0.5f, -1f, 1.5f], weight.Gradient.ToArray());
    }

    [Fact]
    public void AddWeightDecay_NegativeLambda_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Regularization.AddWeightDecay([], -1f));
    }

    [Fact]
    public void ApplyMaxNorm_ClampsOnlyColumnsOverTheBound()
    {
        // weight (In = 3, Out = 3), row-major: column 0 = (3, 0, 4), norm 5 -> (0.6, 0, 0.8);
        // column 1 = (0.1, 0.2, 0.2), norm 0.3 -> unchanged; column 2 = (0.6, 0, 0.8), norm 1 = bound -> unchanged.
        // Rows have norms sqrt(9.37), 0.2, sqrt(16.68): a row-wise clamp would change every row.
        float[] values = [3f, 0.1f, 0.6f, 0f, 0.2f, 0f, 4f, 0.2f, 0.8f];
        var weight = new Parameter("dense0", "weight", ParameterKind.Weight, Tensor.FromSpan(3, 3, values));
        var bias = new Parameter("dense0", "bias", ParameterKind.Bias, Tensor.FromSpan(1, 3, [30f, 40f, 50f]));

        Regularization.ApplyMaxNorm([weight, bias], 1f);

        var w = weight.Value;
        Assert.Equal(0.6f, w[0, 0], 6);
        Assert.Equal(0f, w[1, 0]);
        Assert.Equal(0.8f, w[2, 0], 6);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(values[r * 3 + 1]), BitConverter.SingleToInt32Bits(w[r, 1]));
            Assert.Equal(BitConverter.SingleToInt32Bits(values[r * 3 + 2]), BitConverter.SingleToInt32Bits(w[r, 2]));
        }
        Assert.Equal([30f, 40f, 50f], bias.Value.ToArray());
    }

    [Fact]
    public void ApplyMaxNorm_WideRandomWeight_OverBoundColumnsEndAtBoundOthersBitwiseUnchanged()
    {
        // 300 columns takes the pooled-scratch path; norms are checked in double.
        const int rows = 20, columns = 300;
        var rng = new Random(4);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 2 - 1) * (i % columns < 150 ? 1f : 0.1f);
        }
        var weight = new Parameter("dense1", "weight", ParameterKind.Weight, Tensor.FromSpan(rows, columns, values));
        const float maxNorm = 2f;

        Regularization.ApplyMaxNorm([weight], maxNorm);

        int clamped = 0;
        for (int c = 0; c < columns; c++)
        {
            double before = 0, after = 0;
            for (int r = 0; r < rows; r++)
            {
                before += (double)values[r * columns + c] * values[r * columns + c];
                after += (double)weight.Value[r, c] * weight.Value[r, c];
            }
            if (Math.Sqrt(before) > maxNorm)
            {
                clamped++;
                Assert.Equal(maxNorm, Math.Sqrt(after), 5);
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(values[r * columns + c]), BitConverter.SingleToInt32Bits(weight.Value[r, c]));
                }
            }
        }
        Assert.InRange(clamped, 50, 150); // the scenario exercises both branches
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    public void ApplyMaxNorm_NonPositiveBound_IsOff(float maxNorm)
    {
        var weight = new Parameter("dense0", "weight", ParameterKind.Weight, Tensor.FromSpan(1, 2, [30f, -40f]));

        Regularization.ApplyMaxNorm([weight], maxNorm);

        Assert.Equal([30f, -40f], weight.Value.ToArray());
    }
}
