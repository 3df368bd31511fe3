namespace DropoutService.Engine.Models;

/// <summary>The layer types a model spec can name.</summary>
public enum LayerKind
{
    /// <summary>Fully connected: needs <see cref="LayerSpec.Units"/> and an <see cref="LayerSpec.Init"/>.</summary>
    Dense = 0,

    /// <summary>max(0, x).</summary>
    Relu = 1,

    /// <summary>x for x &gt; 0, slope·x otherwise (<see cref="LayerSpec.Slope"/>).</summary>
    LeakyRelu = 2,

    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid = 3,

    /// <summary>tanh(x).</summary>
    Tanh = 4,

    /// <summary>Inverted dropout with drop probability <see cref="LayerSpec.Rate"/>.</summary>
    Dropout = 5,
}
