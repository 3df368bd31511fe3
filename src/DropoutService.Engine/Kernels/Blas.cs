namespace DropoutService.Engine.Kernels;

/// <summary>Chooses the process's BLAS backend once: OpenBLAS when it loads, else the managed one.</summary>
public static class Blas
{
    /// <summary>Environment variable that forces a backend: <c>managed</c> or <c>openblas</c>.</summary>
    public const string BackendVariable = "DROPOUT_BLAS";

    private static readonly Lazy<IBlas> s_default = new(Select);

    /// <summary>The backend the engine uses unless a model is given another.</summary>
    public static IBlas Default => s_default.Value;

    /// <summary>The managed SIMD backend (always available).</summary>
    public static IBlas Managed => ManagedBlas.Instance;

    /// <summary>
    /// Products for inference over <paramref name="backend"/>: a dense forward (no operand
    /// transposed) computes every output row the way the batch-1 GEMV does, one fused multiply-add
    /// chain per element, reading the weights in place. A row's result is then bitwise the same
    /// whatever other rows share its batch (and the same as predicting it alone). Transposed
    /// products (backward) use <paramref name="backend"/>.
    /// </summary>
    public static IBlas RowStable(IBlas backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend is RowStableBlas ? backend : new RowStableBlas(backend, Environment.ProcessorCount);
    }

    private static IBlas Select()
    {
        string? forced = Environment.GetEnvironmentVariable(BackendVariable)?.Trim().ToLowerInvariant();
        if (forced == "managed")
        {
            return ManagedBlas.Instance;
        }
        if (OpenBlas.TryCreate(out var native))
        {
            return native;
        }
        if (forced == "openblas")
        {
            throw new InvalidOperationException($"{BackendVariable}=openblas but libopenblas could not be loaded.");
        }
        return ManagedBlas.Instance;
    }
}
