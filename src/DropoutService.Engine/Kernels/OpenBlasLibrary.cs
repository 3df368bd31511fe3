using System.Runtime.InteropServices;

namespace DropoutService.Engine.Kernels;

// The loaded libopenblas and its entry points. Loaded once per process and never freed: the
// function pointers stay valid for the life of the process.
internal sealed unsafe class OpenBlasLibrary
{
    private static readonly Lazy<OpenBlasLibrary?> s_instance = new(Load);

    private OpenBlasLibrary(string path, nint handle)
    {
        Path = path;
        Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(handle, "cblas_sgemm");
        Sgemv = (delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(handle, "cblas_sgemv");
        NumThreads = NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint threads)
            ? (delegate* unmanaged<int>)threads : null;
        Config = NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint config)
            ? (delegate* unmanaged<byte*>)config : null;
        Parallel = NativeLibrary.TryGetExport(handle, "openblas_get_parallel", out nint parallel)
            ? (delegate* unmanaged<int>)parallel : null;
    }

    public static OpenBlasLibrary? Instance => s_instance.Value;

    public string Path { get; }

    // cblas_sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; }

    // cblas_sgemv(order, trans, m, n, alpha, a, lda, x, incX, beta, y, incY)
    public delegate* unmanaged<int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemv { get; }

    public delegate* unmanaged<int> NumThreads { get; }

    public delegate* unmanaged<byte*> Config { get; }

    public delegate* unmanaged<int> Parallel { get; }

    // Absolute paths first so Description names the file actually loaded; bare sonames last so
    // any other distribution's loader search still finds a libopenblas.
    internal static IReadOnlyList<string> CandidatePaths()
    {
        string triplet = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x86_64-linux-gnu",
            Architecture.Arm64 => "aarch64-linux-gnu",
            _ => "",
        };
        var list = new List<string>();
        if (triplet.Length > 0)
        {
            string lib = "/usr/lib/" + triplet;
            list.Add(lib + "/openblas-pthread/libopenblas.so.0");
            list.Add(lib + "/libopenblas.so.0");
            list.Add(lib + "/openblas-pthread/libblas.so.3");
            list.Add(lib + "/openblas-openmp/libopenblas.so.0");
            list.Add(lib + "/openblas-serial/libopenblas.so.0");
        }
        list.Add("libopenblas.so.0");
        list.Add("libopenblas.so");
        list.Add("libopenblas.dylib");
        list.Add("libopenblas.dll");
        return list;
    }

    private static OpenBlasLibrary? Load()
    {
        foreach (string candidate in CandidatePaths())
        {
            if (candidate.StartsWith('/') && !File.Exists(candidate))
            {
                continue;
            }
            if (!NativeLibrary.TryLoad(candidate, out nint handle))
            {
                continue;
            }
            if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _) && NativeLibrary.TryGetExport(handle, "cblas_sgemv", out _))
            {
                return new OpenBlasLibrary(ResolvePath(candidate), handle);
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }

    private static string ResolvePath(string candidate)
    {
        try
        {
            return candidate.StartsWith('/') ? File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? candidate : candidate;
        }
        catch (IOException)
        {
            return candidate;
        }
    }
}
