namespace DropoutService.Engine.Models;

/// <summary>Weight initialisation of a dense layer. Biases start at zero.</summary>
public enum WeightInit
{
    /// <summary>He (Kaiming) normal: N(0, 2 / fan_in); for ReLU-family activations.</summary>
    He = 0,

    /// <summary>Xavier/Glorot uniform: U(±sqrt(6 / (fan_in + fan_out))); for tanh/sigmoid.</summary>
    Xavier = 1,
}
