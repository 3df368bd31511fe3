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
        // outputs (N, Out), targets (N, Out) -> mean loss; dLoss/doutputs (N, Out) = 2(y - t) / (N·Out)
        // Row structure does not matter for an elementwise mean, so work in fixed chunks of the whole
        // block: few TensorPrimitives calls even for narrow outputs, short float sums per chunk, and a
        // double total so large batches do not drift.
        const int Chunk = 1024;
        var y = outputs.Span;
        var t = values.Span;
        var g = gradient is null ? default : gradient.Span;
        Span<float> scratch = gradient is null ? stackalloc float[Chunk] : default;
        double count = y.Length;
        float scale = (float)(2.0 / count);
        double total = 0;
        for (int offset = 0; offset < y.Length; offset += Chunk)
        {
            int length = Math.Min(Chunk, y.Length - offset);
            var diff = gradient is null ? scratch[..length] : g.Slice(offset, length);
            TensorPrimitives.Subtract(y.Slice(offset, length), t.Slice(offset, length), diff);
            total += TensorPrimitives.SumOfSquares(diff);
            if (gradient is not null)
            {
                TensorPrimitives.Multiply(diff, scale, diff);
            }
        }
        return (float)(total / count);
    }
}
