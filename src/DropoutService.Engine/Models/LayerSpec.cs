namespace DropoutService.Engine.Models;

/// <summary>One layer of a model spec. Fields that do not apply to <see cref="Kind"/> must keep their defaults.</summary>
public sealed record LayerSpec
{
    /// <summary>The layer type.</summary>
    public LayerKind Kind { get; init; }

    /// <summary>Dense: number of output units (≥ 1).</summary>
    public int Units { get; init; }

    /// <summary>Dense: weight initialisation.</summary>
    public WeightInit Init { get; init; } = WeightInit.He;

    /// <summary>Dropout: the probability of DROPPING a unit, in [0, 1). (The original write-up's <c>prob</c> is 1 - rate.)</summary>
    public float Rate { get; init; }

    /// <summary>LeakyReLU: the slope for negative inputs, in [0, 1).</summary>
    public float Slope { get; init; } = 0.01f;

    /// <summary>A dense layer.</summary>
    public static LayerSpec Dense(int units, WeightInit init = WeightInit.He) => new() { Kind = LayerKind.Dense, Units = units, Init = init };

    /// <summary>A ReLU layer.</summary>
    public static LayerSpec Relu() => new() { Kind = LayerKind.Relu };

    /// <summary>A leaky ReLU layer.</summary>
    public static LayerSpec LeakyRelu(float slope = 0.01f) => new() { Kind = LayerKind.LeakyRelu, Slope = slope };

    /// <summary>A sigmoid layer.</summary>
    public static LayerSpec Sigmoid() => new() { Kind = LayerKind.Sigmoid };

    /// <summary>A tanh layer.</summary>
    public static LayerSpec Tanh() => new() { Kind = LayerKind.Tanh };

    /// <summary>An inverted-dropout layer with drop probability <paramref name="rate"/>.</summary>
    public static LayerSpec Dropout(float rate) => new() { Kind = LayerKind.Dropout, Rate = rate };
}
