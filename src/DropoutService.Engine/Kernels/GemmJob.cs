namespace DropoutService.Engine.Kernels;

// Parallel Gemm: chunks are ranges of rows (multiples of MR) or columns (multiples of NR) of C.
internal sealed class GemmJob : ChunkedJob
{
    public static readonly GemmJob Shared = new();

    private GemmProblem _problem;
    private bool _splitColumns;

    // Splitting the columns repacks all of op(A) in each chunk, splitting rows repacks op(B):
    // split the dimension whose opposite operand is cheaper to pack twice.
    public static void Run(in GemmProblem problem, int threads)
    {
        int mr = problem.Kind.Mr(), nr = problem.Kind.Nr();
        bool splitColumns = problem.N >= problem.M;
        int units = splitColumns ? (problem.N + nr - 1) / nr : (problem.M + mr - 1) / mr;
        int chunks = Math.Min(threads, units);
        if (chunks <= 1 || !Shared.TryAcquire())
        {
            GemmDriver.Run(problem, 0, problem.M, 0, problem.N);
            return;
        }
        Shared._problem = problem;
        Shared._splitColumns = splitColumns;
        Shared.RunAndRelease(chunks, chunks - 1);
    }

    protected override void Execute(int chunk, int chunks)
    {
        ref readonly var p = ref _problem;
        if (_splitColumns)
        {
            var (from, to) = Range(p.N, p.Kind.Nr(), chunk, chunks);
            GemmDriver.Run(p, 0, p.M, from, to);
        }
        else
        {
            var (from, to) = Range(p.M, p.Kind.Mr(), chunk, chunks);
            GemmDriver.Run(p, from, to, 0, p.N);
        }
    }

    // Chunk boundaries fall on multiples of the tile size so every chunk starts on a tile.
    internal static (int From, int To) Range(int length, int unit, int chunk, int chunks)
    {
        int units = (length + unit - 1) / unit;
        int from = (int)((long)units * chunk / chunks) * unit;
        int to = (int)((long)units * (chunk + 1) / chunks) * unit;
        return (Math.Min(from, length), Math.Min(to, length));
    }
}
