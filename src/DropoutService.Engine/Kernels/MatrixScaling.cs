namespace DropoutService.Engine.Kernels;

internal static class MatrixScaling
{
    // C (m, n) = beta * C with row stride ldc; beta = 0 writes zeros, so NaN in C does not survive.
    public static void Scale(Span<float> c, int m, int n, int ldc, float beta)
    {
        if (beta == 1f || m == 0 || n == 0)
        {
            return;
        }
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }
}
