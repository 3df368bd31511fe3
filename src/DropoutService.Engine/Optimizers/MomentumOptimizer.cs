using System.Numerics;
using System.Runtime.InteropServices;
using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// Heavy-ball momentum in the velocity convention of Sutskever et al. (2013):
/// <c>v = μv - lr·g; w += v</c>, with <c>v</c> starting at zero and stored as
/// <c>&lt;parameter&gt;/velocity</c>.
/// </summary>
/// <remarks>
/// PyTorch keeps <c>b = μb + g; w -= lr·b</c> instead. With a constant learning rate the two are
/// the same trajectory, <c>v = -lr·b</c> at every step. They differ only when the rate changes: here
/// the velocity is in parameter units and a new rate affects only new gradients; PyTorch rescales
/// the whole accumulated buffer at once. A checkpoint velocity is therefore not a PyTorch
/// <c>momentum_buffer</c> (divide by <c>-lr</c> to convert).
/// </remarks>
public sealed class MomentumOptimizer : IOptimizer
{
    private readonly OptimizerStateStore _state;

    /// <summary>Creates the optimizer with the default <see cref="OptimizerSettings"/> hyper-parameters.</summary>
    public MomentumOptimizer()
        : this(new OptimizerSettings { Kind = OptimizerKind.Momentum })
    {
    }

    /// <summary>Creates the optimizer; <paramref name="settings"/> must be valid and of kind <see cref="OptimizerKind.Momentum"/>.</summary>
    public MomentumOptimizer(OptimizerSettings settings)
    {
        _state = new OptimizerStateStore(settings, OptimizerKind.Momentum, "velocity");
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

    // value, gradient, velocity (n): v = μv - lr·g; w += v
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
                var vel = vmu * Vector.LoadUnsafe(ref rv, k) - vlr * Vector.LoadUnsafe(ref rg, k);
                vel.StoreUnsafe(ref rv, k);
                (Vector.LoadUnsafe(ref rw, k) + vel).StoreUnsafe(ref rw, k);
            }
        }
        for (; i < n; i++)
        {
            float vel = mu * v[i] - lr * g[i];
            v[i] = vel;
            w[i] += vel;
        }
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() => _state.ExportState();

    /// <inheritdoc/>
    public void ImportState(OptimizerState state) => _state.ImportState(state);

    /// <inheritdoc/>
    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters) => _state.ImportState(state, parameters);
}
