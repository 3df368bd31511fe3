namespace DropoutService.Engine.Kernels;

// One validated Gemm call with its operands pinned by the caller for the duration of the call.
internal unsafe struct GemmProblem
{
    public float* A;
    public float* B;
    public float* C;
    public int Lda;
    public int Ldb;
    public int Ldc;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public bool TransposeA;
    public bool TransposeB;
    public GemmKernelKind Kind;
}
