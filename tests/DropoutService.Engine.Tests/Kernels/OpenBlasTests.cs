using System.Text.RegularExpressions;
using DropoutService.Engine.Kernels;

namespace DropoutService.Engine.Tests.Kernels;

// Skipped only on a developer machine without libopenblas; with CI=true OpenBLAS is installed by
// the pipeline and a failure to load it fails every test here.
public sealed class OpenBlasTests : BlasContractTests
{
    [SkippableFact]
    public void Description_NamesVersionThreadingAndPath()
    {
        var blas = CreateBlas();

        Assert.Equal("openblas", blas.Name);
        Assert.Matches(new Regex(@"^OpenBLAS \d+\.\d+\.\d+ \((serial|pthread|openmp), \d+ threads?\) at /\S+$"), blas.Description);
    }

    [SkippableTheory]
    [InlineData(false, false, 200, 300, 700)]
    [InlineData(true, false, 784, 1024, 128)]
    [InlineData(false, true, 128, 784, 1024)]
    [InlineData(true, true, 33, 65, 17)]
    public void Gemm_AgreesWithManagedBackend(bool ta, bool tb, int m, int n, int k)
    {
        var native = CreateBlas();
        int lda = ta ? m : k, ldb = tb ? k : n;
        var a = BlasReference.RandomMatrix((ta ? k : m) * lda, 21);
        var b = BlasReference.RandomMatrix((tb ? n : k) * ldb, 22);
        var cNative = new float[m * n];
        var cManaged = new float[m * n];

        native.Gemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, cNative, n);
        ManagedBlas.Instance.Gemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, cManaged, n);

        // Each is within Bound(k, Σ|a||b|) of the exact product (BlasReference), so they differ
        // by at most twice that, element by element.
        var absolute = BlasReference.AbsoluteProducts(ta, tb, m, n, k, a, lda, b, ldb);
        for (int i = 0; i < cNative.Length; i++)
        {
            double allowed = 2 * BlasReference.Bound(k, absolute[i]);
            Assert.True(Math.Abs(cNative[i] - cManaged[i]) <= allowed, $"element {i}: {cNative[i]} vs {cManaged[i]} (± {allowed})");
        }
    }

    protected override IBlas CreateBlas()
    {
        bool loaded = OpenBlas.TryCreate(out var blas);
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(!loaded && !ci, "libopenblas is not installed on this machine (CI=true requires it).");
        Assert.True(loaded, "CI=true but libopenblas could not be loaded: install libopenblas0-pthread.");
        return blas!;
    }
}
