using System.Numerics;
using System.Runtime.InteropServices;
using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// Adam (Kingma and Ba 2015) with separate first and second moments, stored as
/// <c>&lt;parameter&gt;/m</c> and <c>&lt;parameter&gt;/v</c>:
/// <c>m = β1·m + (1 - β1)g; v = β2·v + (1 - β2)g²; m̂ = m / (1 - β1^t); v̂ = v / (1 - β2^t);
/// w -= lr·m̂ / (sqrt(v̂) + ε)</c>, where <c>t</c> is the 1-based <see cref="StepCount"/>.
/// </summary>
/// <remarks>
/// The original numpy layer library kept one array for both moments, so its second moment
/// overwrote its first; here they are independent. Bias correction uses the optimizer's global
/// step count: a parameter first seen after step 1 (never the case in the training loop, which
/// steps every parameter every time) would be under-corrected. Computed as PyTorch does,
/// <c>w -= (lr / (1 - β1^t))·m / (sqrt(v) / sqrt(1 - β2^t) + ε)</c>, algebraically the formula above.
/// </remarks>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly OptimizerStateStore _state;

    /// <summary>Creates the optimizer with the default <see cref="OptimizerSettings"/> hyper-parameters.</summary>
    public AdamOptimizer()
        : this(new OptimizerSettings { Kind = OptimizerKind.Adam })
    {
    }

    /// <summary>Creates the optimizer; <paramref name="settings"/> must be valid and of kind <see cref="OptimizerKind.Adam"/>.</summary>
    public AdamOptimizer(OptimizerSettings settings)
    {
        _state = new OptimizerStateStore(settings, OptimizerKind.Adam, "m", "v");
    }

    /// <inheritdoc/>
    public OptimizerSettings Settings => _state.Settings;

    /// <inheritdoc/>
    public long StepCount => _state.StepCount;

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        long step = _state.Begin(parameters, learningRate);
        var s = Settings;
        // In double: β^t for large t is tiny and 1 - β2^t at t = 1 is 1e-3, where float would round.
        double correction1 = 1 - Math.Pow(s.Beta1, step);
        double correction2 = 1 - Math.Pow(s.Beta2, step);
        float stepSize = (float)(learningRate / correction1);
        float invSqrtCorrection2 = (float)(1 / Math.Sqrt(correction2));
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var buffers = _state.Buffers(p);
            Update(p.Value.Span, p.Gradient.Span, buffers[0], buffers[1], s.Beta1, s.Beta2, s.Epsilon, stepSize, invSqrtCorrection2);
        }
        _state.Complete(step);
    }

    // value, gradient, m, v (n): m = β1·m + (1 - β1)g; v = β2·v + (1 - β2)g²;
    // w -= stepSize·m / (sqrt(v)·invSqrtCorrection2 + ε)
    private static void Update(
        Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float eps, float stepSize, float invSqrtCorrection2)
    {
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rv = ref MemoryMarshal.GetReference(v);
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        int n = w.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<float>(beta1);
            var vb2 = new Vector<float>(beta2);
            var vc1 = new Vector<float>(oneMinusBeta1);
            var vc2 = new Vector<float>(oneMinusBeta2);
            var veps = new Vector<float>(eps);
            var vstep = new Vector<float>(stepSize);
            var vinv = new Vector<float>(invSqrtCorrection2);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint k = (nuint)i;
                var grad = Vector.LoadUnsafe(ref rg, k);
                var first = vb1 * Vector.LoadUnsafe(ref rm, k) + vc1 * grad;
                var second = vb2 * Vector.LoadUnsafe(ref rv, k) + vc2 * (grad * grad);
                first.StoreUnsafe(ref rm, k);
                second.StoreUnsafe(ref rv, k);
                (Vector.LoadUnsafe(ref rw, k) - vstep * first / (Vector.SquareRoot(second) * vinv + veps)).StoreUnsafe(ref rw, k);
            }
        }
        for (; i < n; i++)
        {
            float grad = g[i];
            float first = beta1 * m[i] + oneMinusBeta1 * grad;
            float second = beta2 * v[i] + oneMinusBeta2 * (grad * grad);
            m[i] = first;
            v[i] = second;
            w[i] -= stepSize * first / (MathF.Sqrt(second) * invSqrtCorrection2 + eps);
        }
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() => _state.ExportState();

    /// <inheritdoc/>
    public void ImportState(OptimizerState state) => _state.ImportState(state);

    /// <inheritdoc/>
    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters) => _state.ImportState(state, parameters);
}
