using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>
/// Softmax fused with cross-entropy over class ids, averaged over the batch. Fusing the two avoids
/// ever taking the log of a probability that underflowed to 0: the loss of row i is
/// <c>logsumexp(x_i) - x_i[y_i]</c> with the row maximum subtracted first, and the gradient is
/// the well-conditioned <c>(softmax(x_i) - onehot(y_i)) / N</c>. Stateless and thread-safe.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : ILoss
{
    /// <inheritdoc/>
    public LossKind Kind => LossKind.SoftmaxCrossEntropy;

    /// <inheritdoc/>
    public float Compute(Tensor outputs, Targets targets, Tensor? gradient)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        var ids = targets.ClassIds
            ?? throw new ArgumentException("Softmax cross-entropy needs class-id targets, got values.", nameof(targets));
        if (targets.Count > ids.Length)
        {
            throw new ArgumentException($"Targets claim {targets.Count} rows but hold {ids.Length} class ids.", nameof(targets));
        }
        if (targets.Count != outputs.Rows)
        {
            throw new ArgumentException($"Targets cover {targets.Count} rows, outputs have {outputs.Rows}.", nameof(targets));
        }
        LossChecks.NonEmpty(outputs);
        LossChecks.GradientShape(outputs, gradient);
        int n = outputs.Rows, classes = outputs.Columns;
        // Checked up front so a bad id leaves the gradient untouched.
        for (int i = 0; i < n; i++)
        {
            if ((uint)ids[i] >= (uint)classes)
            {
                throw new ArgumentException($"Class id {ids[i]} at row {i} is outside [0, {classes}).", nameof(targets));
            }
        }

        // logits (N, Out), ids (N) -> mean loss; dLoss/dlogits (N, Out) = (softmax - onehot) / N
        float[]? rented = gradient is null ? LossChecks.RentIfLarge(classes) : null;
        Span<float> scratch = gradient is not null ? default
            : rented is not null ? rented.AsSpan(0, classes) : stackalloc float[classes];
        try
        {
            float invN = 1f / n;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                var logits = outputs.Row(i);
                var exp = gradient is null ? scratch : gradient.Row(i);
                float sum = Softmax.ShiftedExp(logits, exp, out float max);
                int y = ids[i];
                // log(sum) + (max - x_y) rather than (max + log(sum)) - x_y: with logits of 1e4 the
                // latter loses the small log term to cancellation.
                total += Math.Log(sum) + ((double)max - logits[y]);
                if (gradient is not null)
                {
                    TensorPrimitives.Multiply(exp, invN / sum, exp);
                    exp[y] -= invN;
                }
            }
            return (float)(total / n);
        }
        finally
        {
            LossChecks.Return(rented);
        }
    }
}
