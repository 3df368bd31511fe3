using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>
/// Base of the elementwise activations: keeps the forward input and output for backward and the
/// workspaces; subclasses give the two kernels, forward and backward side by side.
/// </summary>
public abstract class ActivationLayer : Layer
{
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates the layer from its build context.</summary>
    protected ActivationLayer(LayerBuildContext context)
        : base(context)
    {
    }

    // input (N, …) -> f(input) (N, …)
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, in ForwardPass pass)
    {
        CheckInput(input);
        var output = Tensor.Ensure(ref _output, input.Shape);
        Activate(input.Span, output.Span);
        _input = input;
        return output;
    }

    // dOutput (N, …) -> dInput = dOutput ⊙ f'(input) (N, …)
    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        var input = CheckBackward(_input, outputGradient, _input?.Rows ?? 0);
        var dx = Tensor.Ensure(ref _inputGradient, input.Shape);
        Differentiate(input.Span, _output!.Span, outputGradient.Span, dx.Span);
        return dx;
    }

    /// <summary>output = f(input), elementwise.</summary>
    protected abstract void Activate(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>inputGradient = outputGradient ⊙ f'(input), given input and output = f(input).</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
}
