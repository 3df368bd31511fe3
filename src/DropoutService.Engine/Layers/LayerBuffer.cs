using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// A non-trainable tensor a layer keeps beside its parameters, like PyTorch's registered buffers
/// (batch norm's running mean and variance): saved in checkpoints, deep-copied by
/// <c>Model.Clone</c>, shared read-only by <c>Model.Replicate</c>, and changed only by a forward
/// pass with <see cref="ForwardPass.UpdateBuffers"/> set, on a model that owns its buffers.
/// Optimizers never see buffers.
/// </summary>
public sealed class LayerBuffer
{
    /// <summary>Creates the buffer <paramref name="layerName"/>.<paramref name="name"/> over <paramref name="value"/> (by reference).</summary>
    public LayerBuffer(string layerName, string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        LayerName = layerName;
        Name = name;
        Value = value;
    }

    /// <summary>The owning layer's name, e.g. <c>batch_norm1</c>.</summary>
    public string LayerName { get; }

    /// <summary>The buffer's name within its layer, e.g. <c>running_mean</c>.</summary>
    public string Name { get; }

    /// <summary><c>layer.name</c>, unique within a model (and distinct from every parameter name).</summary>
    public string FullName => $"{LayerName}.{Name}";

    /// <summary>The values.</summary>
    public Tensor Value { get; }
}
