namespace DropoutService.Engine.Kernels;

// Both backends check the same contract before touching memory: a native call with a short span
// would read or write past its end, so every length is proven here first.
internal static class BlasArguments
{
    // Checks a Gemm call and does the work both backends treat alike: nothing for an empty C,
    // C = beta·C when k == 0. True when the product itself is still to be computed.
    public static bool CheckGemmAndNeedsProduct(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, Span<float> c, int ldc, float beta)
    {
        CheckGemm(transposeA, transposeB, m, n, k, aLength, lda, bLength, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return false;
        }
        if (k == 0)
        {
            MatrixScaling.Scale(c, m, n, ldc, beta);
            return false;
        }
        return true;
    }

    public static void CheckGemm(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        CheckDimension(m, nameof(m));
        CheckDimension(n, nameof(n));
        CheckDimension(k, nameof(k));
        // op(A) is (m, k): A is stored (m, k) or, transposed, (k, m).
        int aRows = transposeA ? k : m, aColumns = transposeA ? m : k;
        int bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
        CheckMatrix("a", aLength, aRows, aColumns, lda, nameof(lda));
        CheckMatrix("b", bLength, bRows, bColumns, ldb, nameof(ldb));
        CheckMatrix("c", cLength, m, n, ldc, nameof(ldc));
    }

    public static void CheckGemv(int m, int n, int aLength, int lda, int xLength, int yLength)
    {
        CheckDimension(m, nameof(m));
        CheckDimension(n, nameof(n));
        CheckMatrix("a", aLength, m, n, lda, nameof(lda));
        if (xLength < m)
        {
            throw new ArgumentException($"x has {xLength} elements but m = {m} are needed.", "x");
        }
        if (yLength < n)
        {
            throw new ArgumentException($"y has {yLength} elements but n = {n} are needed.", "y");
        }
    }

    private static void CheckDimension(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Matrix dimensions must be non-negative.");
        }
    }

    // A rows x columns matrix with row stride ld needs (rows - 1) * ld + columns elements; the
    // stride must cover a row (and be at least 1, as BLAS requires, even for an empty row).
    private static void CheckMatrix(string name, int length, int rows, int columns, int ld, string ldName)
    {
        if (ld < Math.Max(1, columns))
        {
            throw new ArgumentException($"{ldName} = {ld} is smaller than the {columns} columns of {name} (and must be at least 1).", ldName);
        }
        if (rows == 0 || columns == 0)
        {
            return;
        }
        long needed = (long)(rows - 1) * ld + columns;
        if (length < needed)
        {
            throw new ArgumentException($"{name} has {length} elements but a {rows}x{columns} matrix with stride {ld} needs {needed}.", name);
        }
    }
}
