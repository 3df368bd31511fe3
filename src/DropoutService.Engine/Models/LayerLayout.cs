using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// One validated layer of a model: its spec and type, its name, the shapes of one input and one
/// output sample, and the parameters and buffers its spec declares for that input. Computed once
/// from the spec (llm.c's "one size function"); allocation, initialisation, building, checkpoint
/// layout and parameter counting all read it.
/// </summary>
public sealed class LayerLayout
{
    private LayerLayout(int index, LayerSpec spec, TensorShape inputShape, TensorShape outputShape,
        ParameterShape[] parameters, BufferShape[] buffers)
    {
        Index = index;
        Spec = spec;
        Name = $"{spec.Type.Name}{index}";
        InputShape = inputShape;
        OutputShape = outputShape;
        Parameters = parameters;
        Buffers = buffers;
    }

    /// <summary>Position in the model.</summary>
    public int Index { get; }

    /// <summary>The layer's spec.</summary>
    public LayerSpec Spec { get; }

    /// <summary>The layer's type.</summary>
    public LayerType Type => Spec.Type;

    /// <summary>The layer's name: type name and index, e.g. <c>dense0</c>.</summary>
    public string Name { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape InputShape { get; }

    /// <summary>Shape of one output sample.</summary>
    public TensorShape OutputShape { get; }

    /// <summary>The declared parameters (names within the layer), in order.</summary>
    public IReadOnlyList<ParameterShape> Parameters { get; }

    /// <summary>The declared buffers (names within the layer), in order.</summary>
    public IReadOnlyList<BufferShape> Buffers { get; }

    /// <summary>Validates <paramref name="spec"/> as layer <paramref name="index"/> over inputs of <paramref name="inputShape"/>; throws <see cref="ModelSpecException"/>.</summary>
    internal static LayerLayout Create(LayerSpec spec, int index, TensorShape inputShape)
    {
        if (spec is null)
        {
            throw new ModelSpecException($"layers[{index}]", "Layer is null.");
        }
        var type = spec.Type;
        if (type is null || !LayerTypes.IsRegistered(type) || type.SpecType != spec.GetType())
        {
            throw new ModelSpecException($"layers[{index}]", $"{spec.GetType().Name} is not a registered layer type.");
        }
        var context = new LayerSpecContext(index, type);
        TensorShape output;
        ParameterShape[] parameters;
        BufferShape[] buffers;
        try
        {
            output = spec.OutputShape(inputShape, context);
            parameters = [.. spec.ParameterShapes(inputShape)];
            buffers = [.. spec.BufferShapes(inputShape)];
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A shape too large for a tensor, computed by the spec before it checked the size itself.
            throw context.Invalid("", $"The layer does not fit its input {inputShape}: {e.Message}");
        }
        if (output.Rank is < 1 or >= TensorShape.MaxRank)
        {
            throw context.Invalid("", $"The layer's output sample shape {output} must have 1 to {TensorShape.MaxRank - 1} dimensions.");
        }
        for (int d = 0; d < output.Rank; d++)
        {
            if (output[d] < 1)
            {
                throw context.Invalid("", $"The layer's output shape {output} for input {inputShape} has an empty dimension.");
            }
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in parameters.Select(p => p.Name).Concat(buffers.Select(b => b.Name)))
        {
            if (string.IsNullOrEmpty(name) || name.Contains('.') || name.Contains('/') || !names.Add(name))
            {
                throw new InvalidOperationException($"Layer type {type} declares an empty, duplicate or dotted parameter or buffer name '{name}'.");
            }
        }
        return new LayerLayout(index, spec, inputShape, output, parameters, buffers);
    }

    /// <summary>Zero-filled tensors for every declared parameter and buffer.</summary>
    internal (Tensor[] Parameters, Tensor[] Buffers) Allocate() =>
        (Parameters.Select(p => new Tensor(p.Shape)).ToArray(), Buffers.Select(b => new Tensor(b.Shape)).ToArray());

    /// <summary>Lets the spec initialise freshly allocated values.</summary>
    internal void Initialize(ulong seed, Tensor[] parameters, Tensor[] buffers)
    {
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var buffersByName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Length; i++)
        {
            byName.Add(Parameters[i].Name, parameters[i]);
        }
        for (int i = 0; i < buffers.Length; i++)
        {
            buffersByName.Add(Buffers[i].Name, buffers[i]);
        }
        Spec.Initialize(new LayerInitContext(Index, seed, InputShape, OutputShape, byName, buffersByName));
    }

    /// <summary>Builds the layer over the given values (by reference), in declaration order.</summary>
    internal ILayer Build(Tensor[] parameters, Tensor[] buffers, IBlas blas)
    {
        var ps = new Parameter[parameters.Length];
        for (int i = 0; i < ps.Length; i++)
        {
            ps[i] = new Parameter(Name, Parameters[i].Name, Parameters[i].Kind, parameters[i]);
        }
        var bs = new LayerBuffer[buffers.Length];
        for (int i = 0; i < bs.Length; i++)
        {
            bs[i] = new LayerBuffer(Name, Buffers[i].Name, buffers[i]);
        }
        var layer = Spec.Build(new LayerBuildContext(Index, Name, InputShape, OutputShape, ps, bs, blas));
        if (layer.InputShape != InputShape || layer.OutputShape != OutputShape
            || !layer.Parameters.SequenceEqual(ps, ReferenceEqualityComparer.Instance)
            || !layer.Buffers.SequenceEqual(bs, ReferenceEqualityComparer.Instance))
        {
            throw new InvalidOperationException($"{Name}: the layer built by {Type} does not match its spec's shapes, parameters or buffers.");
        }
        return layer;
    }
}
