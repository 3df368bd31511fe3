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
        if (!BlasArguments.CheckGemmAndNeedsProduct(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c, ldc, beta))
        {
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

    // Batch-1 products (y = Aᵀx) go to the managed GEMV, not cblas_sgemv: measured on this
    // 2-core machine it is as fast as OpenBLAS 0.3.21's sgemv for the dense-layer shapes, and it
    // does not queue behind OpenBLAS's process-wide thread pool when many requests predict at once
    // (the load test saw 32 concurrent batch-1 Predicts fall to ~280 calls/s through threaded
    // OpenBLAS). The managed kernel splits work on the .NET thread pool and runs single-threaded
    // when another call is already using its helpers.
    public void GemvTransposed(int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, float beta, Span<float> y) =>
        ManagedBlas.Instance.GemvTransposed(m, n, alpha, a, lda, x, beta, y);

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
        return $"{version}{detail} at {library.Path}; batch-1 GEMV: managed SIMD";
    }
}
