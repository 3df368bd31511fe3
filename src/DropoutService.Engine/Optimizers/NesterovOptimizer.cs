using System.Numerics;
using System.Runtime.InteropServices;
using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// Nesterov momentum in the look-ahead-free reformulation (Sutskever et al. 2013; Bengio et al.
/// 2012): <c>v = μv - lr·g; w += μv - lr·g</c> (with the new <c>v</c>), where <c>g</c> is the
/// gradient at the current weights. Velocity is stored as <c>&lt;parameter&gt;/velocity</c>.
/// </summary>
/// <remarks>
/// With a constant learning rate this is exactly PyTorch's <c>SGD(nesterov=True)</c>:
/// <c>b = μb + g; w -= lr·(g + μb)</c>, with <c>v = -lr·b</c>. The original numpy layer library's
/// Nesterov stores <c>v = μv + lr·g</c>, first moves the weights to <c>w + μv</c> (the look-ahead with
/// the wrong sign for that convention), takes the gradient there, then subtracts the new
/// <c>v</c>: the net step is <c>-lr·g</c>, its momentum cancelling itself. Not repeated here; the
/// tests check that this update differs from plain momentum and from SGD.
/// </remarks>
public sealed class NesterovOptimizer : IOptimizer
{
    private readonly OptimizerStateStore _state;

    /// <summary>Creates the optimizer with the default <see cref="OptimizerSettings"/> hyper-parameters.</summary>
    public NesterovOptimizer()
        : this(new OptimizerSettings { Kind = OptimizerKind.Nesterov })
    {
    }

    /// <summary>Creates the optimizer; <paramref name="settings"/> must be valid and of kind <see cref="OptimizerKind.Nesterov"/>.</summary>
    public NesterovOptimizer(OptimizerSettings settings)
    {
        _state = new OptimizerStateStore(settings, OptimizerKind.Nesterov, "velocity");
    }

    /// <inheritdoc/>
    public OptimizerSettings Settings => _state.Settings;

    /// <inheritdoc/>
    public long StepCount => _state.StepCount;

    /// <inheritdoc/>
    public void Step(IReadOnlyList<Parameter> parameters, float learningRate)
    {
        long step = _state.Begin(parameters, learningRate);
        float mu = Settings.Momentum;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            Update(p.Value.Span, p.Gradient.Span, _state.Buffers(p)[0], mu, learningRate);
        }
        _state.Complete(step);
    }

    // value, gradient, velocity (n): v = μv - lr·g; w += μv - lr·g
    private static void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> v, float mu, float lr)
    {
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float rg = ref MemoryMarshal.GetReference(g);
        ref float rv = ref MemoryMarshal.GetReference(v);
        int n = w.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vmu = new Vector<float>(mu);
            var vlr = new Vector<float>(lr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                nuint k = (nuint)i;
                var step = vlr * Vector.LoadUnsafe(ref rg, k);
                var vel = vmu * Vector.LoadUnsafe(ref rv, k) - step;
                vel.StoreUnsafe(ref rv, k);
                (Vector.LoadUnsafe(ref rw, k) + (vmu * vel - step)).StoreUnsafe(ref rw, k);
            }
        }
        for (; i < n; i++)
        {
            float step = lr * g[i];
            float vel = mu * v[i] - step;
            v[i] = vel;
            w[i] += mu * vel - step;
        }
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() => _state.ExportState();

    /// <inheritdoc/>
    public void ImportState(OptimizerState state) => _state.ImportState(state);

    /// <inheritdoc/>
    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters) => _state.ImportState(state, parameters);
}
