using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// A layer of a sequential model, built by its spec (<see cref="Models.LayerSpec.Build"/>). A layer
/// instance keeps what its backward pass needs from its last forward pass, so one instance serves
/// one caller at a time; concurrent callers use replicas (<c>Model.Replicate</c>) that share the
/// parameter and buffer values. Shapes are per sample: a batch adds dimension 0.
/// </summary>
public interface ILayer
{
    /// <summary>Unique name within the model: type name and position, e.g. <c>dense0</c>, <c>dropout3</c>.</summary>
    string Name { get; }

    /// <summary>Position in the model (0-based); part of the dropout mask key.</summary>
    int Index { get; }

    /// <summary>The shape of one input sample.</summary>
    TensorShape InputShape { get; }

    /// <summary>The shape of one output sample.</summary>
    TensorShape OutputShape { get; }

    /// <summary>Trainable parameters, in the order the layer type declares them (empty for parameter-free layers).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Non-trainable buffers, in the order the layer type declares them (usually empty).</summary>
    IReadOnlyList<LayerBuffer> Buffers { get; }

    /// <summary>
    /// input (N, InputShape…) -> output (N, OutputShape…). The returned tensor belongs to the layer
    /// (or is the input itself, for layers that are the identity in this pass) and is overwritten by
    /// its next forward pass. Buffers change only when <see cref="ForwardPass.UpdateBuffers"/> is set.
    /// </summary>
    Tensor Forward(Tensor input, in ForwardPass pass);

    /// <summary>
    /// dLoss/dOutput (N, OutputShape…) -> dLoss/dInput (N, InputShape…), writing every parameter's
    /// <see cref="Parameter.Gradient"/>. Uses the state of the last forward pass; throws
    /// <see cref="InvalidOperationException"/> when there was none and <see cref="ArgumentException"/>
    /// when the gradient's shape differs from that forward's output. The returned tensor belongs to
    /// the layer (or is the gradient itself, for identity passes). Never changes buffers.
    /// </summary>
    Tensor Backward(Tensor outputGradient);

    /// <summary>
    /// Backward for the first parameterised layer of a training step: writes the parameter gradients,
    /// and may skip computing the input gradient, which nothing needs there.
    /// </summary>
    void BackwardParametersOnly(Tensor outputGradient) => Backward(outputGradient);
}
