using System.Buffers;
using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// The regularisers the training loop applies around an optimizer step. Both act on
/// <see cref="ParameterKind.Weight"/> parameters only: penalising or constraining biases only
/// limits the offsets a unit can learn, without the co-adaptation or scale problems they address.
/// </summary>
public static class Regularization
{
    /// <summary>
    /// Adds <c>λ·w</c> to the gradient of every weight parameter (never biases): the gradient of the
    /// L2 penalty <c>(λ/2)·||W||²</c> added to the loss. Call after backward, before the optimizer
    /// step. For SGD this equals decoupled weight decay; for Adam and RMSprop it is the coupled
    /// (PyTorch <c>weight_decay</c>) form, not AdamW. λ = 0 does nothing.
    /// </summary>
    public static void AddWeightDecay(IReadOnlyList<Parameter> ps, float lambda)
    {
        ArgumentNullException.ThrowIfNull(ps);
        if (!(lambda >= 0f) || float.IsPositiveInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Weight decay must be finite and non-negative.");
        }
        if (lambda == 0f)
        {
            return;
        }
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            if (p.Kind == ParameterKind.Weight)
            {
                // gradient (In, Out) += λ · weight (In, Out)
                TensorPrimitives.MultiplyAdd(p.Value.Span, lambda, p.Gradient.Span, p.Gradient.Span);
            }
        }
    }

    /// <summary>
    /// The max-norm constraint of Srivastava et al. (2014), which they pair with dropout so large
    /// learning rates cannot blow weights up: a weight (In, Out) is row-major, so unit j's incoming
    /// weight vector is column j (length In); every column whose L2 norm exceeds
    /// <paramref name="maxNorm"/> is rescaled to norm <paramref name="maxNorm"/>, the others are left
    /// bitwise unchanged. Call after the optimizer step. <paramref name="maxNorm"/> ≤ 0 turns it off.
    /// </summary>
    public static void ApplyMaxNorm(IReadOnlyList<Parameter> ps, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(ps);
        if (float.IsNaN(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "Max-norm must be a number (≤ 0 turns it off).");
        }
        if (maxNorm <= 0f || float.IsPositiveInfinity(maxNorm))
        {
            return;
        }
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            if (p.Kind == ParameterKind.Weight)
            {
                ClampColumns(p.Value.Span, p.Value.Rows, p.Value.Columns, maxNorm);
            }
        }
    }

    // weight (In, Out): column norms accumulate row by row so every pass is contiguous and SIMD;
    // scales are 1 for columns within the bound, and x·1 is exact, so those stay bitwise equal.
    private static void ClampColumns(Span<float> weight, int rows, int columns, float maxNorm)
    {
        float[]? rented = columns > 256 ? ArrayPool<float>.Shared.Rent(columns) : null;
        Span<float> scale = rented is not null ? rented.AsSpan(0, columns) : stackalloc float[columns];
        try
        {
            scale.Clear();
            for (int r = 0; r < rows; r++)
            {
                var row = weight.Slice(r * columns, columns);
                TensorPrimitives.MultiplyAdd(row, row, scale, scale);
            }
            bool any = false;
            for (int c = 0; c < columns; c++)
            {
                float norm = MathF.Sqrt(scale[c]);
                bool over = norm > maxNorm;
                scale[c] = over ? maxNorm / norm : 1f;
                any |= over;
            }
            if (!any)
            {
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                var row = weight.Slice(r * columns, columns);
                TensorPrimitives.Multiply(row, scale, row);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
