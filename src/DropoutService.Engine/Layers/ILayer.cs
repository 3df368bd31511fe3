using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// A layer of a sequential model. A layer instance keeps what its backward pass needs from its
/// last forward pass, so one instance serves one caller at a time; concurrent callers use replicas
/// (<see cref="Replicate"/>) that share the parameter values.
/// </summary>
public interface ILayer
{
    /// <summary>Unique name within the model: kind and position, e.g. <c>dense0</c>, <c>dropout3</c>.</summary>
    string Name { get; }

    /// <summary>Position in the model (0-based); part of the dropout mask key.</summary>
    int Index { get; }

    /// <summary>Features per input row.</summary>
    int InputSize { get; }

    /// <summary>Features per output row.</summary>
    int OutputSize { get; }

    /// <summary>Trainable parameters (empty for parameter-free layers).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// input (N, InputSize) -> output (N, OutputSize). The returned tensor belongs to the layer and
    /// is overwritten by its next forward pass.
    /// </summary>
    Tensor Forward(Tensor input, in ForwardPass pass);

    /// <summary>
    /// dLoss/dOutput (N, OutputSize) -> dLoss/dInput (N, InputSize), writing every parameter's
    /// <see cref="Parameter.Gradient"/>. Uses the state of the last forward pass; throws
    /// <see cref="InvalidOperationException"/> when there was none or the batch size differs.
    /// The returned tensor belongs to the layer.
    /// </summary>
    Tensor Backward(Tensor outputGradient);

    /// <summary>
    /// A new instance of this layer with fresh workspaces, whose parameters take the given values
    /// (by reference, in <see cref="Parameters"/> order).
    /// </summary>
    ILayer Replicate(IReadOnlyList<Tensor> parameterValues);
}
