using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>A trainable tensor of a layer and the gradient the last backward pass wrote for it.</summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter; the gradient starts as zeros of the same shape.</summary>
    public Parameter(string layerName, string name, ParameterKind kind, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        LayerName = layerName;
        Name = name;
        Kind = kind;
        Value = value;
        Gradient = new Tensor(value.Shape);
    }

    /// <summary>The owning layer's name, e.g. <c>dense0</c>.</summary>
    public string LayerName { get; }

    /// <summary>The parameter's name within its layer, e.g. <c>weight</c> or <c>bias</c>.</summary>
    public string Name { get; }

    /// <summary><c>layer.name</c>, unique within a model, e.g. <c>dense0.weight</c>.</summary>
    public string FullName => $"{LayerName}.{Name}";

    /// <summary>Weight or bias.</summary>
    public ParameterKind Kind { get; }

    /// <summary>The values. Shared, read-only, between replicas of one model version.</summary>
    public Tensor Value { get; }

    /// <summary>dLoss/dValue from the last backward pass (overwritten, not accumulated).</summary>
    public Tensor Gradient { get; }
}
