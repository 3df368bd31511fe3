namespace DropoutService.Engine.Losses;

/// <summary>Numerically stable row-wise softmax, used for class probabilities at prediction time.</summary>
public static class Softmax
{
    /// <summary>
    /// logits (N, columns) -> probabilities (N, columns), each row summing to 1. The row maximum is
    /// subtracted before exponentiating, so logits of any finite magnitude give finite probabilities.
    /// <paramref name="probabilities"/> may be the same memory as <paramref name="logits"/> (in place).
    /// </summary>
    public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int columns)
    {
        if (columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be positive.");
        }
        if (logits.Length % columns != 0)
        {
            throw new ArgumentException($"{logits.Length} logits do not make whole rows of {columns}.", nameof(logits));
        }
        if (probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"Destination holds {probabilities.Length} values, expected {logits.Length}.", nameof(probabilities));
        }
        for (int offset = 0; offset < logits.Length; offset += columns)
        {
            Row(logits.Slice(offset, columns), probabilities.Slice(offset, columns));
        }
    }

    /// <summary>One row, normalised.</summary>
    internal static void Row(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float sum = ShiftedExp(logits, probabilities, out _);
        TensorPrimitives.Multiply(probabilities, 1f / sum, probabilities);
    }

    /// <summary>
    /// destination = exp(logits - max(logits)); returns their sum, which is at least 1 (the maximum
    /// contributes exp(0)), so dividing by it and taking its log are always safe. log-sum-exp of the
    /// row is then <c>max + log(sum)</c>.
    /// </summary>
    internal static float ShiftedExp(ReadOnlySpan<float> logits, Span<float> destination, out float max)
    {
        max = TensorPrimitives.Max(logits);
        TensorPrimitives.Subtract(logits, max, destination);
        TensorPrimitives.Exp(destination, destination);
        return TensorPrimitives.Sum(destination);
    }
}
