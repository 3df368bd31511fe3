using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace DropoutService.Engine.Kernels;

// IBlas over libopenblas's CBLAS interface, row-major. Arguments are checked in managed code
// first: OpenBLAS trusts the pointers it is given.
internal sealed unsafe class OpenBlas : IBlas
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private readonly OpenBlasLibrary _library;

    private OpenBlas(OpenBlasLibrary library)
    {
        _library = library;
        Description = Describe(library);
    }

    public string Name => "openblas";

    public string Description { get; }

    /// <summary>Loads libopenblas if any candidate loads; false, never an exception, otherwise.</summary>
    public static bool TryCreate([NotNullWhen(true)] out IBlas? blas)
    {
        try
        {
            var library = OpenBlasLibrary.Instance;
            blas = library is null ? null : new OpenBlas(library);
        }
        catch (Exception)
        {
            // Whatever went wrong loading a native library, the managed backend is the answer.
            blas = null;
        }
        return blas is not null;
    }

    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        BlasArguments.CheckGemm(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            MatrixScaling.Scale(c, m, n, ldc, beta);
            return;
        }
        if (beta == 0)
        {
            // BLAS says beta = 0 ignores C, but not every OpenBLAS release clears NaN the same way.
            MatrixScaling.Scale(c, m, n, ldc, 0f);
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            _library.Sgemm(RowMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    public void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        BlasArguments.CheckGemv(m, n, a.Length, lda, x.Length, y.Length);
        if (n == 0)
        {
            return;
        }
        if (m == 0 || beta == 0)
        {
            MatrixScaling.Scale(y, 1, n, n, beta);
            if (m == 0)
            {
                return;
            }
        }
        fixed (float* pa = a, px = x, py = y)
        {
            _library.Sgemv(RowMajor, Trans, m, n, alpha, pa, lda, px, 1, beta, py, 1);
        }
    }

    private static string Describe(OpenBlasLibrary library)
    {
        string version = "OpenBLAS";
        if (library.Config is not null)
        {
            string config = Marshal.PtrToStringUTF8((nint)library.Config()) ?? "";
            string[] words = config.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            version = words.Length >= 2 && words[0] == "OpenBLAS" ? $"OpenBLAS {words[1]}" : "OpenBLAS";
        }
        var details = new List<string>();
        if (library.Parallel is not null)
        {
            details.Add(library.Parallel() switch { 0 => "serial", 1 => "pthread", 2 => "openmp", _ => "unknown threading" });
        }
        if (library.NumThreads is not null)
        {
            int threads = library.NumThreads();
            details.Add(threads == 1 ? "1 thread" : $"{threads} threads");
        }
        string detail = details.Count > 0 ? $" ({string.Join(", ", details)})" : "";
        return $"{version}{detail} at {library.Path}";
    }
}
