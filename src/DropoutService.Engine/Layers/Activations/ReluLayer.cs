using System.Numerics;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>ReLU: max(0, x). The derivative at 0 is taken as 0.</summary>
public sealed class ReluLayer(LayerBuildContext context) : ActivationLayer(context)
{
    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Max(input, 0f, output);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= input.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var positive = Vector.GreaterThan(new Vector<float>(input.Slice(i)), Vector<float>.Zero);
                Vector.ConditionalSelect(positive, new Vector<float>(outputGradient.Slice(i)), Vector<float>.Zero).CopyTo(inputGradient.Slice(i));
            }
        }
        for (; i < input.Length; i++)
        {
            inputGradient[i] = input[i] > 0f ? outputGradient[i] : 0f;
        }
    }
}
