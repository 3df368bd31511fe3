using System.Numerics;
using System.Runtime.InteropServices;
using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// RMSprop (Tieleman and Hinton 2012) as PyTorch computes it: <c>s = ρs + (1 - ρ)g²;
/// w -= lr·g / (sqrt(s) + ε)</c>, with <c>s</c> starting at zero and stored as
/// <c>&lt;parameter&gt;/square_avg</c>.
/// </summary>
public sealed class RmsPropOptimizer : IOptimizer
{
    private readonly OptimizerStateStore _state;

    /// <summary>Creates the optimizer with the default <see cref="OptimizerSettings"/> hyper-parameters.</summary>
    public RmsPropOptimizer()
        : this(new OptimizerSettings { Kind = OptimizerKind.RmsProp })
    {
    }

    /// <summary>Creates the optimizer; <paramref name="settings"/> must be valid and of kind <see cref="OptimizerKind.RmsProp"/>.</summary>
    public RmsPropOptimizer(OptimizerSettings settings)
    {
        _state = new OptimizerStateStore(settings, OptimizerKind.RmsProp, "square_avg");
    }

    /// <inheritdoc/>
    public OptimizerSettings Settings => _state.Settings;

    /// <inheritdoc/>
    public long StepCount => _state.StepCount;

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        long step = _state.Begin(parameters, learningRate);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            Update(p.Value.Span, p.Gradient.Span, _state.Buffers(p)[0], Settings.Rho, Settings.Epsilon, learningRate);
        }
        _state.Complete(step);
    }

    // value, gradient, square_avg (n): s = ρs + (1 - ρ)g²; w -= lr·g / (sqrt(s) + ε)
    private static void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> s, float rho, float eps, float lr)
    {
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float rs = ref MemoryMarshal.GetReference(s);
        float oneMinusRho = 1f - rho;
        int n = w.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vrho = new Vector<float>(rho);
            var vone = new Vector<float>(oneMinusRho);
            var veps = new Vector<float>(eps);
            var vlr = new Vector<float>(lr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint k = (nuint)i;
                var grad = Vector.LoadUnsafe(ref rg, k);
                var avg = vrho * Vector.LoadUnsafe(ref rs, k) + vone * (grad * grad);
                avg.StoreUnsafe(ref rs, k);
                (Vector.LoadUnsafe(ref rw, k) - vlr * grad / (Vector.SquareRoot(avg) + veps)).StoreUnsafe(ref rw, k);
            }
        }
        for (; i < n; i++)
        {
            float grad = g[i];
            float avg = rho * s[i] + oneMinusRho * (grad * grad);
            s[i] = avg;
            w[i] -= lr * grad / (MathF.Sqrt(avg) + eps);
        }
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() => _state.ExportState();

    /// <inheritdoc/>
    public void ImportState(OptimizerState state) => _state.ImportState(state);

    /// <inheritdoc/>
    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters) => _state.ImportState(state, parameters);
}
