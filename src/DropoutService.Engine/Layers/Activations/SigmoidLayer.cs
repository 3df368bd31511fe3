namespace DropoutService.Engine.Layers.Activations;

/// <summary>Sigmoid: 1 / (1 + e^-x) (the original numpy library had the sign of the exponent wrong).</summary>
public sealed class SigmoidLayer(LayerBuildContext context) : ActivationLayer(context)
{
    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Sigmoid(input, output);

    // f'(x) = f(x) (1 - f(x))
    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < output.Length; i++)
        {
            float y = output[i];
            inputGradient[i] = outputGradient[i] * y * (1f - y);
        }
    }
}
