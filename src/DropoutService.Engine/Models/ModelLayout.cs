using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// A validated spec with everything derived from it: every layer's shapes, parameters and buffers
/// (<see cref="LayerLayout"/>), the model's output shape and its parameter count. Built by
/// <see cref="ModelSpecValidator.Validate"/>; cheap (no tensor is allocated).
/// </summary>
public sealed class ModelLayout
{
    internal ModelLayout(ModelSpec spec, IReadOnlyList<LayerLayout> layers, long parameterCount, long bufferElementCount)
    {
        Spec = spec;
        Layers = layers;
        ParameterCount = parameterCount;
        BufferElementCount = bufferElementCount;
    }

    /// <summary>The spec.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape InputShape => Spec.InputShape;

    /// <summary>Shape of one output sample: the last layer's.</summary>
    public TensorShape OutputShape => Layers[^1].OutputShape;

    /// <summary>Elements per output sample (classes, for a classifier).</summary>
    public int OutputSize => OutputShape.Length;

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<LayerLayout> Layers { get; }

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount { get; }

    /// <summary>Total number of buffer elements.</summary>
    public long BufferElementCount { get; }

    /// <summary>Validates <paramref name="spec"/> against <paramref name="limits"/> (default: the engine's own) and returns its layout.</summary>
    public static ModelLayout For(ModelSpec spec, ModelSpecLimits? limits = null) => ModelSpecValidator.Validate(spec, limits);
}
