using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Everything needed to rebuild a trained model and resume its training: the spec, every parameter
/// value by <see cref="Parameter.FullName"/>, every buffer value by <see cref="LayerBuffer.FullName"/>,
/// the optimizer state and the training metadata.
/// A checkpoint is a snapshot: <see cref="FromModel"/> copies the values and <see cref="CreateModel"/>
/// copies them again, so training a model never changes a checkpoint taken from it or built from it.
/// </summary>
/// <param name="Spec">The model spec.</param>
/// <param name="Parameters">Parameter values by <see cref="Parameter.FullName"/> (<c>dense0.weight</c>).</param>
/// <param name="Optimizer">The optimizer state to resume training from, or null.</param>
/// <param name="Metadata">How the weights were produced.</param>
public sealed record Checkpoint(ModelSpec Spec, IReadOnlyDictionary<string, Tensor> Parameters, OptimizerState? Optimizer, TrainingMetadata Metadata)
{
    /// <summary>The model spec.</summary>
    public ModelSpec Spec { get; init; } = Spec ?? throw new ArgumentNullException(nameof(Spec));

    /// <summary>Parameter values by <see cref="Parameter.FullName"/>.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters { get; init; } = Parameters ?? throw new ArgumentNullException(nameof(Parameters));

    /// <summary>How the weights were produced.</summary>
    public TrainingMetadata Metadata { get; init; } = Metadata ?? throw new ArgumentNullException(nameof(Metadata));

    /// <summary>Buffer values by <see cref="LayerBuffer.FullName"/> (empty for specs without buffers; never null).</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Buffers));
    } = new Dictionary<string, Tensor>(StringComparer.Ordinal);

    /// <summary>Snapshots <paramref name="model"/>: deep copies of its parameter and buffer values (in model order) and of the optimizer buffers.</summary>
    public static Checkpoint FromModel(Model model, OptimizerState? optimizer, TrainingMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        var parameters = new Dictionary<string, Tensor>(model.Parameters.Count, StringComparer.Ordinal);
        foreach (var p in model.Parameters)
        {
            parameters.Add(p.FullName, p.Value.Clone());
        }
        var buffers = new Dictionary<string, Tensor>(model.Buffers.Count, StringComparer.Ordinal);
        foreach (var b in model.Buffers)
        {
            buffers.Add(b.FullName, b.Value.Clone());
        }
        return new Checkpoint(model.Spec, parameters, optimizer is null ? null : CopyOf(optimizer), metadata) { Buffers = buffers };
    }

    /// <summary>Builds a model over copies of the parameter and buffer values; throws <see cref="ArgumentException"/> if they do not fit the spec.</summary>
    public Model CreateModel(IBlas? blas = null) => Model.FromState(Spec, Copy(Parameters), Copy(Buffers), blas);

    private static Dictionary<string, Tensor> Copy(IReadOnlyDictionary<string, Tensor> values)
    {
        var copy = new Dictionary<string, Tensor>(values.Count, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            copy.Add(name, value.Clone());
        }
        return copy;
    }

    private static OptimizerState CopyOf(OptimizerState state)
    {
        // The trainer keeps updating its buffers in place; the snapshot must not follow.
        var buffers = new Dictionary<string, float[]>(state.Buffers.Count, StringComparer.Ordinal);
        foreach (var (name, buffer) in state.Buffers)
        {
            buffers.Add(name, (float[])buffer.Clone());
        }
        return state with { Buffers = buffers };
    }
}
