using DropoutService.Engine.Kernels;

namespace DropoutService.Engine.Tests.Kernels;

// The row-stable products of inference replicas: the IBlas contract, plus the property they exist
// for — a row of C has the same bits whatever the other rows of A are, and the same bits as the
// batch-1 GEMV of that row.
public sealed class RowStableBlasTests : BlasContractTests
{
    // Row counts cover each path: the GEMV rows (1-3), the four-row group, eight-row groups with
    // every remainder; widths cover 16-wide, 8-wide and scalar columns, and depths cross 256.
    public static TheoryData<int, int, int> RowShapes() => new()
    {
        { 2, 10, 7 }, { 3, 33, 300 }, { 4, 16, 64 }, { 5, 1024, 784 }, { 7, 24, 1 }, { 8, 10, 1024 },
        { 9, 257, 130 }, { 12, 40, 513 }, { 13, 7, 9 }, { 31, 1000, 256 }, { 64, 130, 70 },
    };

    [Theory]
    [MemberData(nameof(RowShapes))]
    public void Gemm_EveryRow_BitwiseEqualsGemvOfThatRow(int m, int n, int k)
    {
        var blas = new RowStableBlas(ManagedBlas.Instance, 2);
        var a = BlasReference.RandomMatrix(m * k, 51);
        var w = BlasReference.RandomMatrix(k * n, 52);
        var bias = BlasReference.RandomMatrix(n, 53);
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            bias.CopyTo(c, i * n);
        }

        blas.Gemm(false, false, m, n, k, 1f, a, k, w, n, 1f, c, n);

        for (int i = 0; i < m; i++)
        {
            var y = (float[])bias.Clone();
            ManagedBlas.Instance.GemvTransposed(k, n, 1f, w, n, a.AsSpan(i * k, k), 1f, y);
            Assert.True(y.AsSpan().SequenceEqual(c.AsSpan(i * n, n)), $"row {i} of {m}x{n}x{k} differs from its GEMV");
        }
    }

    // The same row in batches of other sizes, at other positions, next to other rows.
    [Fact]
    public void Gemm_RowInAnyBatch_SameBits()
    {
        int n = 300, k = 520;
        var w = BlasReference.RandomMatrix(k * n, 61);
        var row = BlasReference.RandomMatrix(k, 62);
        float[]? expected = null;
        foreach (var (m, position) in new[] { (2, 1), (5, 4), (8, 0), (11, 9), (40, 17), (100, 99) })
        {
            var a = BlasReference.RandomMatrix(m * k, 63 + m);
            row.CopyTo(a, position * k);
            var c = new float[m * n];

            Blas.RowStable(Blas.Managed).Gemm(false, false, m, n, k, 0.5f, a, k, w, n, 0f, c, n);

            var mine = c.AsSpan(position * n, n).ToArray();
            expected ??= mine;
            Assert.Equal(expected, mine);
        }
    }

    [Theory]
    [InlineData(40, 1000, 300)]
    [InlineData(9, 4100, 64)]
    public void Gemm_DifferentThreadCounts_BitwiseIdentical(int m, int n, int k)
    {
        var expected = BlasReference.RunGemm(new RowStableBlas(ManagedBlas.Instance, 1), false, false, m, n, k, 1.25f, 0.5f, pad: 2);

        foreach (int threads in new[] { 2, 3, 5 })
        {
            var actual = BlasReference.RunGemm(new RowStableBlas(ManagedBlas.Instance, threads), false, false, m, n, k, 1.25f, 0.5f, pad: 2);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void RowStable_KeepsBackendNameAndSendsTransposedProductsToIt()
    {
        var stable = Blas.RowStable(Blas.Managed);

        Assert.Equal("managed", stable.Name);
        Assert.Contains("row-stable", stable.Description);
        Assert.Same(stable, Blas.RowStable(stable));
        // A transposed product through the wrapper equals the backend's own, bit for bit.
        var a = BlasReference.RandomMatrix(300 * 40, 71);
        var b = BlasReference.RandomMatrix(300 * 50, 72);
        var viaWrapper = new float[40 * 50];
        var direct = new float[40 * 50];
        stable.Gemm(true, false, 40, 50, 300, 1f, a, 40, b, 50, 0f, viaWrapper, 50);
        Blas.Managed.Gemm(true, false, 40, 50, 300, 1f, a, 40, b, 50, 0f, direct, 50);
        Assert.Equal(direct, viaWrapper);
    }

    protected override IBlas CreateBlas() => Blas.RowStable(Blas.Managed);
}
