using DropoutService.Engine.Layers;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Optimizers;

internal static class OptimizerTestHelpers
{
    // The shared hand-computed scenario: a 2-element parameter w0 = (1, -2), lr = 0.1, and three
    // fixed gradients chosen to change sign and include a zero, so an update that reuses a stale
    // gradient, drops state between steps or mixes up buffers gives different numbers.
    public static readonly float[] InitialWeights = [1f, -2f];
    public static readonly float[][] Gradients = [[0.5f, -1f], [-0.25f, 2f], [1f, 0f]];
    public const float LearningRate = 0.1f;

    // Float32 updates of values of order 1 are exact to a few ulps (~1e-7); 1e-6 is a 10x margin.
    public const double Tolerance = 1e-6;

    public static Parameter Weight(string layer, params float[] values) =>
        new(layer, "weight", ParameterKind.Weight, Tensor.FromSpan(1, values.Length, values));

    public static Parameter Bias(string layer, params float[] values) =>
        new(layer, "bias", ParameterKind.Bias, Tensor.FromSpan(1, values.Length, values));

    /// <summary>Runs the shared scenario and returns the weights after each of the three steps.</summary>
    public static float[][] RunScenario(IOptimizer optimizer)
    {
        var p = Weight("dense0", InitialWeights);
        var after = new float[Gradients.Length][];
        for (int s = 0; s < Gradients.Length; s++)
        {
            Gradients[s].CopyTo(p.Gradient.Span);
            optimizer.Step([p], LearningRate);
            after[s] = p.Value.ToArray();
        }
        return after;
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    public static float[] RandomArray(Random rng, int length, float scale = 1f)
    {
        var a = new float[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /// <summary>
    /// Compares the optimizer on a 37-element parameter (SIMD body plus scalar tail, whatever the
    /// vector width) with an independent double-precision reference over several random steps.
    /// <paramref name="reference"/> updates (w, g, state, step) in place for one element.
    /// </summary>
    public static void AssertMatchesReference(IOptimizer optimizer, int stateSlots, Action<double[], double, double[], int> reference, double tolerance = 1e-5)
    {
        const int n = 37;
        var rng = new Random(77);
        var p = Weight("dense0", RandomArray(rng, n));
        var w = p.Value.ToArray().Select(x => (double)x).ToArray();
        var state = new double[n][];
        for (int i = 0; i < n; i++)
        {
            state[i] = new double[stateSlots];
        }
        for (int step = 1; step <= 5; step++)
        {
            var g = RandomArray(rng, n);
            g.CopyTo(p.Gradient.Span);
            optimizer.Step([p], LearningRate);
            for (int i = 0; i < n; i++)
            {
                var wi = new[] { w[i] };
                reference(wi, g[i], state[i], step);
                w[i] = wi[0];
            }
            AssertClose(w, p.Value.ToArray(), tolerance);
        }
    }
}
