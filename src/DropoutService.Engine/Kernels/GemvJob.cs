namespace DropoutService.Engine.Kernels;

// Parallel GemvTransposed: chunks are column ranges of y (multiples of 128, one register block).
internal sealed unsafe class GemvJob : ChunkedJob
{
    private const int Unit = 128;

    public static readonly GemvJob Shared = new();

    private float* _a;
    private float* _x;
    private float* _y;
    private int _lda;
    private int _m;
    private int _n;
    private float _alpha;
    private float _beta;

    public static void Run(float* a, int lda, float* x, float* y, int m, int n, float alpha, float beta, int threads)
    {
        int chunks = Math.Min(threads, (n + Unit - 1) / Unit);
        if (chunks <= 1 || !Shared.TryAcquire())
        {
            GemvKernel.Run(a, lda, x, y, m, 0, n, alpha, beta);
            return;
        }
        var job = Shared;
        job._a = a;
        job._x = x;
        job._y = y;
        (job._lda, job._m, job._n, job._alpha, job._beta) = (lda, m, n, alpha, beta);
        job.RunAndRelease(chunks, chunks - 1);
    }

    protected override void Execute(int chunk, int chunks)
    {
        var (from, to) = GemmJob.Range(_n, Unit, chunk, chunks);
        GemvKernel.Run(_a, _lda, _x, _y, _m, from, to, _alpha, _beta);
    }
}
