namespace DropoutService.Engine.Layers.Dropout;

/// <summary>Which code path applies a dropout mask. Every path produces identical bits; tests compare them.</summary>
internal enum MaskKernel
{
    /// <summary>The widest path the hardware accelerates.</summary>
    Auto = 0,

    /// <summary>16 lanes (AVX-512).</summary>
    Vector512 = 1,

    /// <summary>8 lanes (AVX2).</summary>
    Vector256 = 2,

    /// <summary>One element at a time.</summary>
    Scalar = 3,
}
