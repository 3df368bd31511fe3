using DropoutService.Engine.Randomness;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>
/// What <see cref="Models.LayerSpec.Initialize"/> gets when a model is created from its spec: the
/// layer's freshly allocated (zero-filled) parameters and buffers by name, and a random generator
/// that depends only on (model seed, layer index), so every layer's initial values are reproducible
/// and independent of the other layers.
/// </summary>
public sealed class LayerInitContext
{
    private readonly IReadOnlyDictionary<string, Tensor> _parameters;
    private readonly IReadOnlyDictionary<string, Tensor> _buffers;
    private readonly ulong _seed;

    internal LayerInitContext(int index, ulong seed, TensorShape inputShape, TensorShape outputShape,
        IReadOnlyDictionary<string, Tensor> parameters, IReadOnlyDictionary<string, Tensor> buffers)
    {
        Index = index;
        _seed = seed;
        InputShape = inputShape;
        OutputShape = outputShape;
        _parameters = parameters;
        _buffers = buffers;
    }

    /// <summary>Position in the model.</summary>
    public int Index { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape InputShape { get; }

    /// <summary>Shape of one output sample.</summary>
    public TensorShape OutputShape { get; }

    /// <summary>The values of the parameter named <paramref name="name"/>, zero-filled on entry.</summary>
    public Tensor Parameter(string name) =>
        _parameters.TryGetValue(name, out var t) ? t : throw new ArgumentException($"Layer {Index} declares no parameter '{name}'.", nameof(name));

    /// <summary>The values of the buffer named <paramref name="name"/>, zero-filled on entry.</summary>
    public Tensor Buffer(string name) =>
        _buffers.TryGetValue(name, out var t) ? t : throw new ArgumentException($"Layer {Index} declares no buffer '{name}'.", nameof(name));

    /// <summary>A generator seeded from (model seed, layer index): the same sequence every time it is asked for.</summary>
    public SplitMix64 CreateRandom() => new(SplitMix64.Mix(_seed ^ SplitMix64.Mix((ulong)Index + 1)));
}
