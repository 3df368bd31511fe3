using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Losses;

internal static class LossTestHelpers
{
    /// <summary>
    /// Central-difference check of dLoss/doutputs. The loss is a scalar, so the upstream gradient is 1.
    /// Step h = 1e-2 on inputs of order 1: the truncation error h²/6·|f'''| is below 1e-5 for these
    /// smooth losses, and the dominant error is the loss being returned as float (relative rounding
    /// 6e-8 on a loss of order 1, divided by 2h = 0.02, about 1e-5 even though the loss sums in
    /// double internally). The denominator is the actual float step (x+h) - (x-h), removing the
    /// rounding of h itself. Tolerance 1e-4 + 1e-3·|analytic| is therefore ~10x the expected error,
    /// while the gradients are of order 1/(N·Out) ≈ 0.05-0.25, so a missing or wrong normaliser,
    /// sign or one-hot term (errors of order the gradient itself) fails by two orders of magnitude.
    /// </summary>
    public static void AssertGradientMatchesCentralDifferences(ILoss loss, Tensor outputs, Targets targets)
    {
        const float h = 1e-2f;
        const double absTol = 1e-4, relTol = 1e-3;
        var analytic = new Tensor(outputs.Rows, outputs.Columns);
        loss.Compute(outputs, targets, analytic);
        var x = outputs.Span;
        for (int k = 0; k < x.Length; k++)
        {
            float original = x[k];
            float plus = original + h, minus = original - h;
            x[k] = plus;
            double lossPlus = loss.Compute(outputs, targets, null);
            x[k] = minus;
            double lossMinus = loss.Compute(outputs, targets, null);
            x[k] = original;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            double a = analytic.Span[k];
            Assert.True(Math.Abs(numeric - a) <= absTol + relTol * Math.Abs(a),
                $"{loss.Kind} element {k} (row {k / outputs.Columns}, column {k % outputs.Columns}): analytic {a}, numeric {numeric}");
        }
    }

    public static Tensor Random(Random rng, int rows, int columns, float low, float high)
    {
        var t = new Tensor(rows, columns);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(low + (high - low) * rng.NextDouble());
        }
        return t;
    }
}
