using DropoutService.Engine.Kernels;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// What <see cref="Models.LayerSpec.Build"/> gets: the layer's identity and shapes, its parameters
/// and buffers (created by the model from the spec's declarations, in declaration order, over
/// values that are fresh, loaded, shared with other replicas or deep copies), and the GEMM backend.
/// </summary>
public sealed class LayerBuildContext
{
    internal LayerBuildContext(int index, string name, TensorShape inputShape, TensorShape outputShape,
        IReadOnlyList<Parameter> parameters, IReadOnlyList<LayerBuffer> buffers, IBlas blas)
    {
        Index = index;
        Name = name;
        InputShape = inputShape;
        OutputShape = outputShape;
        Parameters = parameters;
        Buffers = buffers;
        Blas = blas;
    }

    /// <summary>Position in the model.</summary>
    public int Index { get; }

    /// <summary>The layer's name, e.g. <c>dense0</c>.</summary>
    public string Name { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape InputShape { get; }

    /// <summary>Shape of one output sample, as the spec computed it.</summary>
    public TensorShape OutputShape { get; }

    /// <summary>The parameters, in the order the spec declared them.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The buffers, in the order the spec declared them.</summary>
    public IReadOnlyList<LayerBuffer> Buffers { get; }

    /// <summary>The matrix-product backend of the model.</summary>
    public IBlas Blas { get; }

    /// <summary>The parameter named <paramref name="name"/> (within the layer).</summary>
    public Parameter Parameter(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"{Name} has no parameter '{name}'.", nameof(name));

    /// <summary>The buffer named <paramref name="name"/> (within the layer).</summary>
    public LayerBuffer Buffer(string name) =>
        Buffers.FirstOrDefault(b => b.Name == name) ?? throw new ArgumentException($"{Name} has no buffer '{name}'.", nameof(name));
}
