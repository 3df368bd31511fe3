using System.Diagnostics.CodeAnalysis;

namespace DropoutService.Engine.Kernels;

// TEMPORARY: the kernels work adds the P/Invoke binding.
internal static class OpenBlas
{
    public static bool TryCreate([NotNullWhen(true)] out IBlas? blas)
    {
        blas = null;
        return false;
    }
}
