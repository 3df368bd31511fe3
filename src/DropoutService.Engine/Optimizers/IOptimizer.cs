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

    /// <summary>
    /// Restores state exported earlier (deep-copied); throws <see cref="ArgumentException"/> when it
    /// does not fit the settings: another kind, a negative step count, unknown buffer names, or a
    /// parameter's buffers missing or of different lengths. Buffer lengths are checked against the
    /// parameters themselves when they are first stepped.
    /// </summary>
    void ImportState(OptimizerState state);

    /// <summary>
    /// <see cref="ImportState(OptimizerState)"/>, also checking now that every buffer belongs to one
    /// of <paramref name="parameters"/> and has its length, and (after at least one step, for kinds
    /// with buffers) that every parameter has state.
    /// </summary>
    void ImportState(OptimizerState state, IReadOnlyList<Parameter> parameters);
}
