using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>Plain stochastic gradient descent, <c>w -= lr·g</c>. Stateless apart from the step count.</summary>
public sealed class SgdOptimizer : IOptimizer
{
    private readonly OptimizerStateStore _state;

    /// <summary>Creates the optimizer with the default <see cref="OptimizerSettings"/> hyper-parameters.</summary>
    public SgdOptimizer()
        : this(new OptimizerSettings { Kind = OptimizerKind.Sgd })
    {
    }

    /// <summary>Creates the optimizer; <paramref name="settings"/> must be valid and of kind <see cref="OptimizerKind.Sgd"/>.</summary>
    public SgdOptimizer(OptimizerSettings settings)
    {
        _state = new OptimizerStateStore(settings, OptimizerKind.Sgd);
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
            // value (n) += -lr · gradient (n)
            TensorPrimitives.MultiplyAdd(p.Gradient.Span, -learningRate, p.Value.Span, p.Value.Span);
        }
        _state.Complete(step);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() => _state.ExportState();

    /// <inheritdoc/>
    public void ImportState(OptimizerState state) => _state.ImportState(state);

    /// <inheritdoc/>
    public void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters) => _state.ImportState(state, parameters);
}
