using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// Base of the built-in layers: holds what the build context gives (name, index, shapes, parameters,
/// buffers) and the checks every layer makes before computing.
/// </summary>
public abstract class Layer : ILayer
{
    /// <summary>Takes the layer's identity, shapes, parameters and buffers from <paramref name="context"/>.</summary>
    protected Layer(LayerBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Name = context.Name;
        Index = context.Index;
        InputShape = context.InputShape;
        OutputShape = context.OutputShape;
        Parameters = context.Parameters;
        Buffers = context.Buffers;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Index { get; }

    /// <inheritdoc/>
    public TensorShape InputShape { get; }

    /// <inheritdoc/>
    public TensorShape OutputShape { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public IReadOnlyList<LayerBuffer> Buffers { get; }

    /// <inheritdoc/>
    public abstract Tensor Forward(Tensor input, in ForwardPass pass);

    /// <inheritdoc/>
    public abstract Tensor Backward(Tensor outputGradient);

    /// <inheritdoc/>
    public virtual void BackwardParametersOnly(Tensor outputGradient) => Backward(outputGradient);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="input"/> is (N, <see cref="InputShape"/>…).</summary>
    protected void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Shape.IsBatchOf(InputShape))
        {
            throw new ArgumentException($"{Name}: input has shape {input.Shape}, expected (N, {Dims(InputShape)}).", nameof(input));
        }
    }

    /// <summary>
    /// Returns the state a backward pass needs, throwing <see cref="InvalidOperationException"/>
    /// when there was no forward pass (<paramref name="saved"/> is null) and
    /// <see cref="ArgumentException"/> unless the gradient is (<paramref name="forwardRows"/>, <see cref="OutputShape"/>…).
    /// </summary>
    protected T CheckBackward<T>(T? saved, Tensor outputGradient, int forwardRows)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (saved is null)
        {
            throw new InvalidOperationException($"{Name}: Backward called without a preceding Forward.");
        }
        if (outputGradient.Rows != forwardRows || !outputGradient.Shape.IsBatchOf(OutputShape))
        {
            throw new ArgumentException(
                $"{Name}: output gradient has shape {outputGradient.Shape}, the forward output was ({forwardRows}, {Dims(OutputShape)}).",
                nameof(outputGradient));
        }
        return saved;
    }

    private static string Dims(in TensorShape shape) => shape.ToString()[1..^1];
}
