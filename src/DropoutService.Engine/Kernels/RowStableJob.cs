namespace DropoutService.Engine.Kernels;

// Parallel RowStableGemm: chunks are column ranges of C (multiples of 64 columns). Each element is
// computed by one thread in one chain, so the split never changes a bit.
internal sealed unsafe class RowStableJob : ChunkedJob
{
    private const int Unit = 64;

    public static readonly RowStableJob Shared = new();

    private float* _a;
    private float* _b;
    private float* _c;
    private nint _lda;
    private nint _ldb;
    private nint _ldc;
    private int _m;
    private int _n;
    private int _k;
    private float _alpha;
    private float _beta;

    public static void Run(float* a, nint lda, float* b, nint ldb, float* c, nint ldc, int m, int n, int k, float alpha, float beta, int threads)
    {
        int chunks = Math.Min(threads, (n + Unit - 1) / Unit);
        if (chunks <= 1 || !Shared.TryAcquire())
        {
            RowStableGemm.Run(a, lda, b, ldb, c, ldc, m, k, 0, n, alpha, beta);
            return;
        }
        var job = Shared;
        job._a = a;
        job._b = b;
        job._c = c;
        (job._lda, job._ldb, job._ldc) = (lda, ldb, ldc);
        (job._m, job._n, job._k, job._alpha, job._beta) = (m, n, k, alpha, beta);
        job.RunAndRelease(chunks, chunks - 1);
    }

    protected override void Execute(int chunk, int chunks)
    {
        var (from, to) = GemmJob.Range(_n, Unit, chunk, chunks);
        RowStableGemm.Run(_a, _lda, _b, _ldb, _c, _ldc, _m, _k, from, to, _alpha, _beta);
    }
}
