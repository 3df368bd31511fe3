using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>The argument and state checks every layer makes before computing.</summary>
internal static class LayerChecks
{
    /// <summary>Throws when <paramref name="input"/> does not have the layer's input width.</summary>
    public static void InputColumns(ILayer layer, Tensor input)
    {
        if (input.Columns != layer.InputSize)
        {
            throw new ArgumentException($"{layer.Name}: input has {input.Columns} columns, expected {layer.InputSize}.", nameof(input));
        }
    }

    /// <summary>
    /// Returns the state a backward pass needs, throwing <see cref="InvalidOperationException"/>
    /// when there was no forward pass and <see cref="ArgumentException"/> when the gradient's shape
    /// does not match the forward output.
    /// </summary>
    public static T ForwardInput<T>(ILayer layer, T? saved, Tensor outputGradient, int? forwardRows = null) where T : class
    {
        if (saved is null)
        {
            throw new InvalidOperationException($"{layer.Name}: Backward called without a preceding Forward.");
        }
        int rows = forwardRows ?? (saved as Tensor)?.Rows ?? outputGradient.Rows;
        if (outputGradient.Rows != rows || outputGradient.Columns != layer.OutputSize)
        {
            throw new ArgumentException(
                $"{layer.Name}: output gradient has shape ({outputGradient.Rows}, {outputGradient.Columns}), the forward output was ({rows}, {layer.OutputSize}).",
                nameof(outputGradient));
        }
        return saved;
    }
}
