using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>
/// Mean squared error over all N·Out elements: <c>mean((y - t)²)</c>, gradient
/// <c>2(y - t) / (N·Out)</c>. Averaging over every element (PyTorch's <c>reduction="mean"</c>)
/// keeps the scale of the learning rate independent of the output width. Stateless and thread-safe.
/// </summary>
public sealed class MeanSquaredErrorLoss : ILoss
{
    /// <inheritdoc/>
    public LossKind Kind => LossKind.MeanSquaredError;

    /// <inheritdoc/>
    public float Compute(Tensor outputs, Targets targets, Tensor? gradient)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        var values = LossChecks.ValueTargets(outputs, targets, Kind);
        LossChecks.NonEmpty(outputs);
        LossChecks.GradientShape(outputs, gradient);
        int n = outputs.Rows, width = outputs.Columns;

        // outputs (N, Out), targets (N, Out) -> mean loss; dLoss/doutputs (N, Out) = 2(y - t) / (N·Out)
        float[]? rented = gradient is null ? LossChecks.RentIfLarge(width) : null;
        Span<float> scratch = gradient is not null ? default
            : rented is not null ? rented.AsSpan(0, width) : stackalloc float[width];
        try
        {
            double count = (double)n * width;
            float scale = (float)(2.0 / count);
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                var diff = gradient is null ? scratch : gradient.Row(i);
                TensorPrimitives.Subtract(outputs.Row(i), values.Row(i), diff);
                // Per-row float sums are short; the running total is double so large batches do not drift.
                total += TensorPrimitives.SumOfSquares(diff);
                if (gradient is not null)
                {
                    TensorPrimitives.Multiply(diff, scale, diff);
                }
            }
            return (float)(total / count);
        }
        finally
        {
            LossChecks.Return(rented);
        }
    }
}
