using System.Numerics;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>Leaky ReLU: x for x &gt; 0, slope·x otherwise.</summary>
public sealed class LeakyReluLayer : ActivationLayer
{
    /// <summary>Creates the layer; <paramref name="slope"/> must be in [0, 1).</summary>
    public LeakyReluLayer(LayerBuildContext context, float slope) : base(context)
    {
        if (!(slope >= 0f && slope < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(slope), slope, $"LeakyReLU slope must be in [0, 1), got {slope}.");
        }
        Slope = slope;
    }

    /// <summary>The slope for negative inputs.</summary>
    public float Slope { get; }

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> input, Span<float> output) =>
        Select(input, input, output, Slope);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient) =>
        Select(input, outputGradient, inputGradient, Slope);

    // result = value where input > 0, slope·value elsewhere: forward with value = input, backward with value = dOutput.
    private static void Select(ReadOnlySpan<float> input, ReadOnlySpan<float> value, Span<float> result, float slope)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(slope);
            for (; i <= input.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(value.Slice(i));
                var positive = Vector.GreaterThan(new Vector<float>(input.Slice(i)), Vector<float>.Zero);
                Vector.ConditionalSelect(positive, v, v * s).CopyTo(result.Slice(i));
            }
        }
        for (; i < input.Length; i++)
        {
            result[i] = input[i] > 0f ? value[i] : slope * value[i];
        }
    }
}
