using DropoutService.Engine.Models;
using DropoutService.Engine.Randomness;

namespace DropoutService.Engine.Layers;

/// <summary>The weight initialisations of <see cref="WeightInit"/>, for every layer type with weights.</summary>
public static class WeightInitializer
{
    /// <summary>
    /// Fills <paramref name="weights"/> in order from <paramref name="random"/>: He normal
    /// N(0, 2 / fanIn), or Xavier uniform U(±sqrt(6 / (fanIn + fanOut))).
    /// </summary>
    public static void Fill(Span<float> weights, WeightInit init, int fanIn, int fanOut, ref SplitMix64 random)
    {
        if (init == WeightInit.He)
        {
            double std = Math.Sqrt(2.0 / fanIn);
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k] = (float)(random.NextGaussian() * std);
            }
        }
        else
        {
            double limit = Math.Sqrt(6.0 / (fanIn + (double)fanOut));
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
            }
        }
    }
}
