using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Optimizers;

/// <summary>
/// Updates parameters from their gradients. State (velocities, moments, step count) persists
/// across steps and epochs, keyed by <see cref="Parameter.FullName"/>, and can be exported for a
/// checkpoint and imported to resume.
/// </summary>
public interface IOptimizer
{
    /// <summary>The optimizer's settings.</summary>
    OptimizerSettings Settings { get; }

    /// <summary>Number of steps taken so far (Adam's bias correction uses it).</summary>
    long StepCount { get; }

    /// <summary>
    /// One update of every parameter from its <see cref="Parameter.Gradient"/> at the given learning
    /// rate. The gradient already includes any weight decay (applied by the training loop).
    /// </summary>
    void Step(IReadOnlyList<Parameter> parameters, float learningRate);

    /// <summary>A copy of the state, for a checkpoint.</summary>
    OptimizerState ExportState();

    /// <summary>Restores state exported earlier; throws <see cref="ArgumentException"/> when it does not fit the settings.</summary>
    void ImportState(OptimizerState state);
}
