using DropoutService.Engine.Kernels;

namespace DropoutService.Engine.Tests.Kernels;

// The IBlas contract, run once per backend by the derived test classes.
public abstract class BlasContractTests
{
    // (m, n, k): degenerate, odd, exactly one register tile, and sizes that cross the blocking
    // (k > 256 depth block, m > 384 row block, n > 2048 column block).
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        int[][] shapes =
        [
            [1, 1, 1], [1, 7, 3], [5, 1, 9], [17, 33, 65], [128, 257, 64], [12, 32, 256],
            [13, 40, 513], [400, 70, 20], [3, 2100, 5], [97, 129, 1],
        ];
        var data = new TheoryData<bool, bool, int, int, int>();
        foreach (var s in shapes)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    data.Add(ta, tb, s[0], s[1], s[2]);
                }
            }
        }
        return data;
    }

    protected abstract IBlas CreateBlas();

    [SkippableTheory]
    [MemberData(nameof(Shapes), MemberType = typeof(BlasContractTests))]
    public void Gemm_AlphaAndBetaWithPaddedStrides_MatchesReference(bool ta, bool tb, int m, int n, int k)
    {
        var blas = CreateBlas();

        BlasReference.RunGemm(blas, ta, tb, m, n, k, alpha: 1.5f, beta: 0.5f, pad: 3);
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes), MemberType = typeof(BlasContractTests))]
    public void Gemm_BetaZeroOverNaN_IgnoresOldC(bool ta, bool tb, int m, int n, int k)
    {
        var blas = CreateBlas();

        var c = BlasReference.RunGemm(blas, ta, tb, m, n, k, alpha: -0.75f, beta: 0f, pad: 0, nanC: true);

        Assert.DoesNotContain(c, float.IsNaN);
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Gemm_BetaOneTightStrides_Accumulates(bool ta, bool tb)
    {
        var blas = CreateBlas();

        BlasReference.RunGemm(blas, ta, tb, 37, 61, 300, alpha: 1f, beta: 1f, pad: 0);
    }

    [SkippableFact]
    public void Gemm_DepthZero_ScalesC()
    {
        var blas = CreateBlas();
        float[] c = [1, 2, 3, float.NaN, 9, 9];

        blas.Gemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 3);

        Assert.Equal([0.5f, 1f, 3f, float.NaN, 4.5f, 9f], c);
        blas.Gemm(true, true, 2, 2, 0, 1f, [], 2, [], 1, 0f, c, 3);
        Assert.Equal([0f, 0f, 3f, 0f, 0f, 9f], c);
    }

    [SkippableFact]
    public void Gemm_EmptyOutput_LeavesEverythingAlone()
    {
        var blas = CreateBlas();
        float[] c = [7f];

        blas.Gemm(false, false, 0, 1, 3, 1f, [], 3, [1, 2, 3], 1, 0f, c, 1);
        blas.Gemm(false, false, 1, 0, 3, 1f, [1, 2, 3], 3, [], 1, 0f, c, 1);

        Assert.Equal(7f, c[0]);
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Gemm_OperandTooShort_ThrowsArgumentException(int which)
    {
        var blas = CreateBlas();
        // A (4, 5) stride 6, B (5, 3) stride 3, C (4, 3) stride 4; one operand one element short.
        var a = new float[which == 0 ? 3 * 6 + 5 - 1 : 3 * 6 + 5];
        var b = new float[which == 1 ? 14 : 15];
        var c = new float[which == 2 ? 3 * 4 + 3 - 1 : 3 * 4 + 3];
        int ldc = which == 3 ? 2 : 4;

        var e = Assert.Throws<ArgumentException>(() => blas.Gemm(false, false, 4, 3, 5, 1f, a, 6, b, 3, 0f, c, ldc));

        Assert.Equal(which switch { 0 => "a", 1 => "b", 2 => "c", _ => "ldc" }, e.ParamName);
    }

    [SkippableFact]
    public void Gemm_TransposedOperandTooShort_ThrowsArgumentException()
    {
        var blas = CreateBlas();
        // op(A) (4, 5) stored transposed as (5, 4): needs 20 elements, not the 19 given.
        var e = Assert.Throws<ArgumentException>(() =>
            blas.Gemm(true, false, 4, 3, 5, 1f, new float[19], 4, new float[15], 3, 0f, new float[12], 3));

        Assert.Equal("a", e.ParamName);
    }

    [SkippableFact]
    public void Gemm_NegativeDimension_ThrowsArgumentOutOfRange()
    {
        var blas = CreateBlas();

        Assert.Throws<ArgumentOutOfRangeException>(() => blas.Gemm(false, false, -1, 1, 1, 1f, [1], 1, [1], 1, 0f, new float[1], 1));
    }

    [SkippableTheory]
    [InlineData(1, 1, 0, 1f, 0.5f)]
    [InlineData(17, 33, 2, 2f, 0.5f)]
    [InlineData(784, 1024, 0, 1f, 1f)]
    [InlineData(1024, 1024, 0, 1f, 0f)]
    [InlineData(300, 1000, 5, -0.5f, 1f)]
    [InlineData(64, 143, 1, 1f, 0f)]
    public void GemvTransposed_MatchesReference(int m, int n, int pad, float alpha, float beta)
    {
        var blas = CreateBlas();
        int lda = n + pad;
        var a = BlasReference.Strided(m, n, lda, 11);
        var x = BlasReference.RandomMatrix(m, 12);
        var y0 = beta == 0 ? Enumerable.Repeat(float.NaN, n).ToArray() : BlasReference.RandomMatrix(n, 13);
        var y = (float[])y0.Clone();

        blas.GemvTransposed(m, n, alpha, a, lda, x, beta, y);

        BlasReference.AssertGemv(m, n, alpha, a, lda, x, beta, y0, y);
    }

    [SkippableFact]
    public void GemvTransposed_NoRows_ScalesY()
    {
        var blas = CreateBlas();
        float[] y = [2f, float.NaN];

        blas.GemvTransposed(0, 2, 1f, [], 2, [], 0f, y);

        Assert.Equal([0f, 0f], y);
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GemvTransposed_OperandTooShort_ThrowsArgumentException(int which)
    {
        var blas = CreateBlas();
        var a = new float[which == 0 ? 3 * 5 + 4 - 1 : 3 * 5 + 4];
        var x = new float[which == 1 ? 3 : 4];
        var y = new float[which == 2 ? 3 : 4];

        var e = Assert.Throws<ArgumentException>(() => blas.GemvTransposed(4, 4, 1f, a, 5, x, 0f, y));

        Assert.Equal(which switch { 0 => "a", 1 => "x", _ => "y" }, e.ParamName);
    }
}
