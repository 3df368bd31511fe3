namespace DropoutService.Engine.Layers.Activations;

/// <summary>Hyperbolic tangent.</summary>
public sealed class TanhLayer(LayerBuildContext context) : ActivationLayer(context)
{
    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Tanh(input, output);

    // f'(x) = 1 - f(x)²
    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (int i = 0; i < output.Length; i++)
        {
            float y = output[i];
            inputGradient[i] = outputGradient[i] * (1f - y * y);
        }
    }
}
