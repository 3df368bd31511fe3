using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>
/// Sigmoid fused with binary cross-entropy against targets in [0, 1], averaged over all N·Out
/// elements. Per element it uses the stable form <c>max(x, 0) - x·t + log(1 + e^-|x|)</c>, which
/// never exponentiates a positive number, and the gradient <c>(σ(x) - t) / (N·Out)</c> with σ
/// computed from the same <c>e^-|x|</c>. Stateless and thread-safe.
/// </summary>
public sealed class BinaryCrossEntropyWithLogitsLoss : ILoss
{
    /// <inheritdoc/>
    public LossKind Kind => LossKind.BinaryCrossEntropyWithLogits;

    /// <inheritdoc/>
    public float Compute(Tensor outputs, Targets targets, Tensor? gradient)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        var values = LossChecks.ValueTargets(outputs, targets, Kind);
        LossChecks.NonEmpty(outputs);
        LossChecks.GradientShape(outputs, gradient);
        CheckTargetRange(values);
        int n = outputs.Rows, width = outputs.Columns;

        // logits (N, Out), targets (N, Out) -> mean loss; dLoss/dlogits (N, Out) = (σ(x) - t) / (N·Out)
        // A scalar loop: each element needs a branch-free but multi-step stable form, the outputs of a
        // BCE head are narrow, and double per element keeps log(1 + e) accurate when e is tiny.
        double count = (double)n * width;
        double scale = 1.0 / count;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var x = outputs.Row(i);
            var t = values.Row(i);
            var g = gradient is null ? default : gradient.Row(i);
            for (int j = 0; j < x.Length; j++)
            {
                double xj = x[j], tj = t[j];
                double e = Math.Exp(-Math.Abs(xj));
                total += Math.Max(xj, 0) - xj * tj + Math.Log(1 + e);
                if (gradient is not null)
                {
                    double sigmoid = xj >= 0 ? 1 / (1 + e) : e / (1 + e);
                    g[j] = (float)((sigmoid - tj) * scale);
                }
            }
        }
        return (float)(total / count);
    }

    private static void CheckTargetRange(Tensor values)
    {
        var span = values.Span;
        // Min/Max propagate NaN, so one SIMD pass each also rejects NaN targets.
        if (TensorPrimitives.Min(span) >= 0f && TensorPrimitives.Max(span) <= 1f)
        {
            return;
        }
        for (int k = 0; k < span.Length; k++)
        {
            if (!(span[k] >= 0f && span[k] <= 1f))
            {
                throw new ArgumentException(
                    $"Target {span[k]} at row {k / values.Columns}, column {k % values.Columns} is outside [0, 1].",
                    "targets");
            }
        }
    }
}
