using DropoutService.Engine.Kernels;

namespace DropoutService.Engine.Tests.Kernels;

public sealed class ManagedBlasTests : BlasContractTests
{
    // Kinds travel as ints: GemmKernelKind is internal and theory parameters must be public types.
    public static TheoryData<int, bool, bool> KindsAndTransposes()
    {
        var data = new TheoryData<int, bool, bool>();
        foreach (var kind in Enum.GetValues<GemmKernelKind>())
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    data.Add((int)kind, ta, tb);
                }
            }
        }
        return data;
    }

    [Fact]
    public void Description_NamesSimdWidthAndThreads()
    {
        var blas = new ManagedBlas(2, GemmKernelKind.Vector128);

        Assert.Equal("managed", blas.Name);
        Assert.Equal("managed SIMD (Vector128, 2 threads)", blas.Description);
        Assert.StartsWith($"managed SIMD ({GemmKernelKindExtensions.Best()}, ", ManagedBlas.Instance.Description);
    }

    // Every register-tile width this machine can run, not only the one Instance picked.
    [SkippableTheory]
    [MemberData(nameof(KindsAndTransposes))]
    public void Gemm_EveryKernelKind_MatchesReference(int kindValue, bool ta, bool tb)
    {
        var kind = (GemmKernelKind)kindValue;
        Skip.IfNot(kind.IsSupported(), $"{kind} is not accelerated here");
        var blas = new ManagedBlas(2, kind);

        BlasReference.RunGemm(blas, ta, tb, 45, 77, 300, alpha: 0.5f, beta: 2f, pad: 1);
        BlasReference.RunGemm(blas, ta, tb, 3, 5, 7, alpha: 1f, beta: 0f, pad: 2, nanC: true);
    }

    // Chunks split the columns (n >= m) or the rows (m > n); both big enough to go parallel, with
    // k > 256 so the depth blocks and beta on the first block are exercised too.
    [Theory]
    [InlineData(false, false, 130, 300, 70)]
    [InlineData(true, true, 300, 130, 600)]
    [InlineData(false, true, 77, 1000, 300)]
    public void Gemm_DifferentThreadCounts_BitwiseIdentical(bool ta, bool tb, int m, int n, int k)
    {
        var kind = GemmKernelKindExtensions.Best();
        var expected = BlasReference.RunGemm(new ManagedBlas(1, kind), ta, tb, m, n, k, 1.25f, 0.5f, pad: 2);

        foreach (int threads in new[] { 2, 3, 4, 7 })
        {
            var actual = BlasReference.RunGemm(new ManagedBlas(threads, kind), ta, tb, m, n, k, 1.25f, 0.5f, pad: 2);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void GemvTransposed_DifferentThreadCounts_BitwiseIdentical()
    {
        int m = 700, n = 1000;
        var a = BlasReference.RandomMatrix(m * n, 31);
        var x = BlasReference.RandomMatrix(m, 32);
        var expected = BlasReference.RandomMatrix(n, 33);
        new ManagedBlas(1, GemmKernelKindExtensions.Best()).GemvTransposed(m, n, 1f, a, n, x, 0.5f, expected);

        foreach (int threads in new[] { 2, 3, 5 })
        {
            var actual = BlasReference.RandomMatrix(n, 33);
            new ManagedBlas(threads, GemmKernelKindExtensions.Best()).GemvTransposed(m, n, 1f, a, n, x, 0.5f, actual);
            Assert.Equal(expected, actual);
        }
    }

    // Concurrent callers share one parallel job: the losers run serially, helpers queued for one
    // call may run during another. Every result must still equal the serial one.
    [Fact]
    public void Gemm_ConcurrentCallers_EachGetsSerialResult()
    {
        int m = 96, n = 200, k = 150;
        var blas = new ManagedBlas(2, GemmKernelKindExtensions.Best());
        var a = BlasReference.RandomMatrix(m * k, 41);
        var b = BlasReference.RandomMatrix(k * n, 42);
        var expected = new float[m * n];
        new ManagedBlas(1, GemmKernelKindExtensions.Best()).Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
        int mismatches = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var c = new float[m * n];
            for (int rep = 0; rep < 25; rep++)
            {
                Array.Fill(c, float.NaN);
                blas.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                if (!c.AsSpan().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });

        Assert.Equal(0, mismatches);
    }

    protected override IBlas CreateBlas() => ManagedBlas.Instance;
}
