using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport;

/// <summary>Comparisons against PyTorch reference tensors.</summary>
internal static class TorchAssert
{
    /// <summary>
    /// Same shape and every element within <paramref name="tolerance"/>·(1 + |expected|): float32
    /// results of the same maths summed in another order differ by a few ulps of the partial sums.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        var e = expected.Span;
        var a = actual.Span;
        for (int i = 0; i < e.Length; i++)
        {
            float bound = tolerance * (1f + Math.Abs(e[i]));
            Assert.True(Math.Abs(e[i] - a[i]) <= bound, $"element {i}: expected {e[i]:R}, got {a[i]:R} (bound {bound:R})");
        }
    }

    /// <summary>A copy of <paramref name="t"/> with shape (rows, columns).</summary>
    public static Tensor ReshapedTo(this Tensor t, int rows, int columns) => Tensor.FromSpan(rows, columns, t.Span);
}
