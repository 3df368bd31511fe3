using DropoutService.Engine.Layers;
using DropoutService.Engine.Randomness;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport;

/// <summary>
/// Central-difference gradient checks. The scalar checked is f = Σ upstream ⊙ forward(x), so the
/// analytic gradient is exactly backward(upstream) and every output element is exercised.
/// Forward runs in float32; f is summed in float64.
/// Step h = 1e-2 and tolerance: central differences have truncation error O(h²·f''') ≈ 1e-4 for
/// the smooth activations at unit scale, and float32 rounding of each forward value (~6e-8
/// relative) divided by 2h adds ~1e-5 per unit of |f|; we require
/// |analytic − numeric| ≤ 2e-3 · max(1, |analytic|, |numeric|), well above both and far below
/// the size of any real error (a missing factor or sign is O(1) relative).
/// </summary>
internal static class GradientChecker
{
    public const float Step = 1e-2f;
    public const double Tolerance = 2e-3;

    public static Tensor Random(int rows, int columns, ulong seed, float scale = 1f, float avoidNearZero = 0f)
    {
        var rng = new SplitMix64(seed);
        var t = new Tensor(rows, columns);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            float v;
            do
            {
                v = (float)rng.NextGaussian() * scale;
            }
            while (MathF.Abs(v) < avoidNearZero);
            s[i] = v;
        }
        return t;
    }

    public static double Objective(Func<Tensor, Tensor> forward, Tensor input, Tensor upstream)
    {
        var y = forward(input).Span;
        var g = upstream.Span;
        double f = 0;
        for (int i = 0; i < y.Length; i++)
        {
            f += (double)y[i] * g[i];
        }
        return f;
    }

    /// <summary>Checks d f / d values against <paramref name="analytic"/> for every element of <paramref name="values"/>.</summary>
    public static void Check(string what, Tensor values, ReadOnlySpan<float> analytic, Func<double> objective)
    {
        var v = values.Span;
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < v.Length; i++)
        {
            float saved = v[i];
            v[i] = saved + Step;
            double plus = objective();
            v[i] = saved - Step;
            double minus = objective();
            v[i] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double error = Math.Abs(analytic[i] - numeric) / Math.Max(1.0, Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric)));
            if (error > worst)
            {
                worst = error;
                worstIndex = i;
            }
        }
        Assert.True(worst <= Tolerance, $"{what}: worst relative error {worst:E2} at element {worstIndex} exceeds {Tolerance:E0}.");
    }

    /// <summary>Checks a layer's input and parameter gradients.</summary>
    public static void CheckLayer(ILayer layer, Tensor input, in ForwardPass pass, ulong seed)
    {
        var p = pass;
        var upstream = Random(input.Rows, layer.OutputShape.Length, seed);
        upstream.Reshape(layer.OutputShape.WithBatch(input.Rows));
        layer.Forward(input, p);
        var inputGradient = layer.Backward(upstream).ToArray();
        var parameterGradients = layer.Parameters.Select(q => q.Gradient.ToArray()).ToArray();

        double F() => Objective(x => layer.Forward(x, p), input, upstream);
        Check($"{layer.Name} input", input, inputGradient, F);
        for (int k = 0; k < layer.Parameters.Count; k++)
        {
            Check($"{layer.Parameters[k].FullName}", layer.Parameters[k].Value, parameterGradients[k], F);
        }
    }
}
