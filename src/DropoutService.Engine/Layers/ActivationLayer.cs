using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// Base of the elementwise activations: keeps the forward input and output for backward and the
/// workspaces; subclasses give the two kernels, forward and backward side by side.
/// </summary>
public abstract class ActivationLayer : ILayer
{
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates the layer at <paramref name="index"/> over <paramref name="size"/> features.</summary>
    protected ActivationLayer(string kind, int index, int size)
    {
        if (size < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Size must be at least 1.");
        }
        Name = $"{kind}{index}";
        Index = index;
        InputSize = size;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Index { get; }

    /// <inheritdoc/>
    public int InputSize { get; }

    /// <inheritdoc/>
    public int OutputSize => InputSize;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    // input (N, F) -> f(input) (N, F)
    /// <inheritdoc/>
    public Tensor Forward(Tensor input, in ForwardPass pass)
    {
        LayerChecks.InputColumns(this, input);
        var output = Tensor.Ensure(ref _output, input.Rows, input.Columns);
        Activate(input.Span, output.Span);
        _input = input;
        return output;
    }

    // dOutput (N, F) -> dInput = dOutput ⊙ f'(input) (N, F)
    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient)
    {
        var input = LayerChecks.ForwardInput(this, _input, outputGradient);
        var dx = Tensor.Ensure(ref _inputGradient, input.Rows, input.Columns);
        Differentiate(input.Span, _output!.Span, outputGradient.Span, dx.Span);
        return dx;
    }

    /// <inheritdoc/>
    public abstract ILayer Replicate(IReadOnlyList<Tensor> parameterValues);

    /// <summary>output = f(input), elementwise.</summary>
    protected abstract void Activate(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>inputGradient = outputGradient ⊙ f'(input), given input and output = f(input).</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
}
