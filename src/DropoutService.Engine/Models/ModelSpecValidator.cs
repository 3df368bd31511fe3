using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// Checks a <see cref="ModelSpec"/> before anything is built or allocated, with overflow-safe size
/// arithmetic. Errors name the offending field by its wire path (<c>layers[2].dropout.rate</c>) so
/// the service can turn them into field violations.
/// </summary>
public static class ModelSpecValidator
{
    /// <summary>
    /// Throws <see cref="ModelSpecException"/> for the first invalid field, or
    /// <see cref="ModelSpecLimitException"/> when a limit is exceeded (the layer count is checked
    /// before any layer is looked at); returns the layout of a valid spec.
    /// </summary>
    public static ModelLayout Validate(ModelSpec spec, ModelSpecLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        limits ??= ModelSpecLimits.Default;
        var layers = spec.Layers ?? throw new ModelSpecException("layers", "A model needs at least one layer.");
        if (layers.Count > limits.MaxLayers)
        {
            throw new ModelSpecLimitException("layers", nameof(ModelSpecLimits.MaxLayers), layers.Count, limits.MaxLayers,
                $"The model has {layers.Count} layers; the limit is {limits.MaxLayers}.");
        }
        var shape = CheckInputShape(spec);
        if (!Enum.IsDefined(spec.Loss))
        {
            throw new ModelSpecException("loss", $"Unknown loss {(int)spec.Loss}.");
        }
        if (layers.Count == 0)
        {
            throw new ModelSpecException("layers", "A model needs at least one layer.");
        }

        var result = new LayerLayout[layers.Count];
        long parameters = 0, bufferElements = 0;
        for (int i = 0; i < result.Length; i++)
        {
            var layer = LayerLayout.Create(layers[i], i, shape);
            parameters = SaturatingAdd(parameters, layer.Parameters.Sum(p => (long)p.Shape.Length));
            bufferElements = SaturatingAdd(bufferElements, layer.Buffers.Sum(b => (long)b.Shape.Length));
            result[i] = layer;
            shape = layer.OutputShape;
        }
        if (parameters == 0)
        {
            throw new ModelSpecException("layers", "A model needs at least one layer with trainable parameters (e.g. dense).");
        }
        if (parameters > limits.MaxParameters)
        {
            throw new ModelSpecLimitException("layers", nameof(ModelSpecLimits.MaxParameters), parameters, limits.MaxParameters,
                $"The model has {(parameters == long.MaxValue ? "more than 9.2e18" : parameters.ToString(System.Globalization.CultureInfo.InvariantCulture))} parameters; the limit is {limits.MaxParameters}.");
        }
        if (spec.Loss == LossKind.SoftmaxCrossEntropy && (shape.Rank != 1 || shape.Length < 2))
        {
            throw new ModelSpecException("loss", $"Softmax cross-entropy needs a flat output of at least 2 classes, the model's output shape is {shape}.");
        }
        return new ModelLayout(spec, result, parameters, bufferElements);
    }

    private static TensorShape CheckInputShape(ModelSpec spec)
    {
        if (!spec.HasExplicitInputShape)
        {
            if (spec.RawInputSize < 1)
            {
                throw new ModelSpecException("input_size", $"input_size must be at least 1, got {spec.RawInputSize}.");
            }
            if (spec.RawInputSize > Array.MaxLength)
            {
                throw new ModelSpecException("input_size", $"input_size must be at most {Array.MaxLength} (the largest tensor), got {spec.RawInputSize}.");
            }
            return spec.InputShape;
        }
        var shape = spec.InputShape;
        if (shape.Rank is < 1 or >= TensorShape.MaxRank)
        {
            throw new ModelSpecException("input_shape", $"input_shape must have 1 to {TensorShape.MaxRank - 1} dimensions, got {shape.Rank}.");
        }
        for (int d = 0; d < shape.Rank; d++)
        {
            if (shape[d] < 1)
            {
                throw new ModelSpecException($"input_shape[{d}]", $"Every input dimension must be at least 1, got {shape}.");
            }
        }
        if (spec.RawInputSize != 0 && spec.RawInputSize != shape.Length)
        {
            throw new ModelSpecException("input_size", $"input_size {spec.RawInputSize} conflicts with input_shape {shape} ({shape.Length} elements); set one, or both consistently.");
        }
        return shape;
    }

    private static long SaturatingAdd(long a, long b)
    {
        try
        {
            return checked(a + b);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }
}
