namespace DropoutService.Engine.Layers;

/// <summary>What a parameter is, which decides the regularisers that apply to it.</summary>
public enum ParameterKind
{
    /// <summary>A weight matrix (In, Out): L2 weight decay and the max-norm constraint (per column) apply.</summary>
    Weight = 0,

    /// <summary>A bias vector (or a normalisation's shift/scale): no weight decay, no max-norm.</summary>
    Bias = 1,
}
