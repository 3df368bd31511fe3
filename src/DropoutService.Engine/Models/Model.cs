using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// A sequential model: an ordered stack of layers built from a <see cref="ModelSpec"/>, and its
/// loss. An instance keeps activations of its last forward pass for backward, so it serves one
/// caller at a time; <see cref="Replicate"/> gives another instance over the same parameter and
/// buffer values for a concurrent reader, <see cref="Clone"/> an independent deep copy for training.
/// </summary>
/// <remarks>
/// Buffers (batch norm's running statistics) change only in a forward pass with
/// <see cref="ForwardPass.UpdateBuffers"/>, which only the trainer asks for, and only on a model that
/// owns its buffers: once a model has been replicated, it and its replicas share them read-only and
/// refuse such passes (<see cref="CanUpdateBuffers"/>), so a published version never changes and
/// replicas never see a training clone's updates.
/// </remarks>
public sealed class Model
{
    private readonly ILayer[] _layers;
    private readonly Parameter[] _parameters;
    private readonly LayerBuffer[] _buffers;
    private bool _buffersShared;
    private Tensor? _inputView;

    private Model(ModelLayout layout, ILayer[] layers, IBlas blas, bool buffersShared)
    {
        Layout = layout;
        _layers = layers;
        Blas = blas;
        _buffersShared = buffersShared;
        _parameters = layers.SelectMany(l => l.Parameters).ToArray();
        _buffers = layers.SelectMany(l => l.Buffers).ToArray();
        Loss = LossFactory.Create(layout.Spec.Loss);
    }

    /// <summary>The spec the model was built from.</summary>
    public ModelSpec Spec => Layout.Spec;

    /// <summary>The validated spec's layout: every layer's shapes, parameters and buffers.</summary>
    public ModelLayout Layout { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>Every trainable parameter, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Every buffer, in layer order (empty for models without buffer layers).</summary>
    public IReadOnlyList<LayerBuffer> Buffers => _buffers;

    /// <summary>The loss of the spec.</summary>
    public ILoss Loss { get; }

    /// <summary>The matrix-product backend the layers use.</summary>
    public IBlas Blas { get; }

    /// <summary>Shape of one input sample.</summary>
    public TensorShape InputShape => Layout.InputShape;

    /// <summary>Shape of one output sample.</summary>
    public TensorShape OutputShape => Layout.OutputShape;

    /// <summary>Elements per input sample (features per row, for an MLP).</summary>
    public int InputSize => InputShape.Length;

    /// <summary>Elements per output sample (classes, for a classifier).</summary>
    public int OutputSize => OutputShape.Length;

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => Layout.ParameterCount;

    /// <summary>True unless the model has buffers shared with replicas (see the remarks).</summary>
    public bool CanUpdateBuffers => _buffers.Length == 0 || !Volatile.Read(ref _buffersShared);

    /// <summary>Validates the spec and builds the model with parameters and buffers initialised from the spec's seed.</summary>
    public static Model Create(ModelSpec spec, IBlas? blas = null)
    {
        var layout = ModelSpecValidator.Validate(spec);
        blas ??= Kernels.Blas.Default;
        var layers = new ILayer[layout.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            var layer = layout.Layers[i];
            var (parameters, buffers) = layer.Allocate();
            layer.Initialize(spec.Seed, parameters, buffers);
            layers[i] = layer.Build(parameters, buffers, blas);
        }
        return new Model(layout, layers, blas, buffersShared: false);
    }

    /// <summary>
    /// Builds the model over the given parameter values (by <see cref="Parameter.FullName"/>; used by
    /// reference, not copied); buffers, if the spec has any, get their initial values.
    /// </summary>
    public static Model FromParameters(ModelSpec spec, IReadOnlyDictionary<string, Tensor> values, IBlas? blas = null) =>
        FromState(spec, values, null, blas);

    /// <summary>
    /// Builds the model over the given parameter and buffer values (by full name; used by reference,
    /// not copied). Throws <see cref="ArgumentException"/> unless they are exactly the ones the spec
    /// declares, with the declared shapes; null <paramref name="buffers"/> means initial values.
    /// </summary>
    public static Model FromState(ModelSpec spec, IReadOnlyDictionary<string, Tensor> parameters, IReadOnlyDictionary<string, Tensor>? buffers, IBlas? blas = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var layout = ModelSpecValidator.Validate(spec);
        blas ??= Kernels.Blas.Default;
        int parameterCount = 0, bufferCount = 0;
        var layers = new ILayer[layout.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            var layer = layout.Layers[i];
            var ps = layer.Parameters.Select(p => Take(parameters, $"{layer.Name}.{p.Name}", p.Shape, "parameter")).ToArray();
            Tensor[] bs;
            if (buffers is null)
            {
                var (fresh, initial) = layer.Allocate();
                layer.Initialize(spec.Seed, fresh, initial);
                bs = initial;
            }
            else
            {
                bs = layer.Buffers.Select(b => Take(buffers, $"{layer.Name}.{b.Name}", b.Shape, "buffer")).ToArray();
            }
            parameterCount += ps.Length;
            bufferCount += layer.Buffers.Count;
            layers[i] = layer.Build(ps, bs, blas);
        }
        if (parameters.Count != parameterCount)
        {
            throw new ArgumentException($"Expected {parameterCount} parameters for this spec, got {parameters.Count}.", nameof(parameters));
        }
        if (buffers is not null && buffers.Count != bufferCount)
        {
            throw new ArgumentException($"Expected {bufferCount} buffers for this spec, got {buffers.Count}.", nameof(buffers));
        }
        return new Model(layout, layers, blas, buffersShared: false);
    }

    /// <summary>
    /// input (N, InputShape…) -> output (N, OutputShape…); the result belongs to the model until its
    /// next forward pass. A rank-2 input (N, InputSize) is read as (N, InputShape…) without a copy.
    /// <paramref name="cancellationToken"/> is checked before every layer.
    /// </summary>
    public Tensor Forward(Tensor input, in ForwardPass pass, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (pass.UpdateBuffers)
        {
            if (pass.Mode != ForwardMode.Train)
            {
                throw new ArgumentException($"Only a Train-mode pass can update buffers, not {pass.Mode}.", nameof(pass));
            }
            if (!CanUpdateBuffers)
            {
                throw new InvalidOperationException("This model shares its buffers with replicas, read-only; train a Clone() instead.");
            }
        }
        var x = ShapedInput(input);
        foreach (var layer in _layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            x = layer.Forward(x, pass);
        }
        return x;
    }

    /// <summary>
    /// dLoss/dOutput (N, OutputShape…) -> dLoss/dInput (N, InputShape…), after a forward pass on this
    /// instance; every parameter's gradient is written. Buffers are never changed.
    /// </summary>
    public Tensor Backward(Tensor outputGradient)
    {
        var g = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            g = _layers[i].Backward(g);
        }
        return g;
    }

    /// <summary>
    /// Backward for a training step: writes every parameter's gradient but skips work no parameter
    /// needs — layers before the first one with parameters, and that layer's input gradient.
    /// </summary>
    public void BackwardParametersOnly(Tensor outputGradient)
    {
        int first = Array.FindIndex(_layers, l => l.Parameters.Count > 0);
        if (first < 0)
        {
            return;
        }
        var g = outputGradient;
        for (int i = _layers.Length - 1; i > first; i--)
        {
            g = _layers[i].Backward(g);
        }
        _layers[first].BackwardParametersOnly(g);
    }

    /// <summary>Evaluation-mode forward pass.</summary>
    public Tensor Predict(Tensor input) => Forward(input, ForwardPass.Eval);

    /// <summary>
    /// Another instance over the same parameter and buffer values (read-only sharing), with its own
    /// workspaces. From now on neither this model nor the replica can update buffers.
    /// </summary>
    public Model Replicate()
    {
        Volatile.Write(ref _buffersShared, true);
        return Rebuild(t => t, buffersShared: true);
    }

    /// <summary>An independent deep copy: same values, own parameters, buffers and workspaces; it can update its buffers.</summary>
    public Model Clone() => Rebuild(t => t.Clone(), buffersShared: false);

    private Model Rebuild(Func<Tensor, Tensor> value, bool buffersShared)
    {
        var layers = new ILayer[_layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            var source = _layers[i];
            layers[i] = Layout.Layers[i].Build(
                source.Parameters.Select(p => value(p.Value)).ToArray(),
                source.Buffers.Select(b => value(b.Value)).ToArray(),
                Blas);
        }
        return new Model(Layout, layers, Blas, buffersShared);
    }

    private Tensor ShapedInput(Tensor input)
    {
        var shape = InputShape;
        if (input.Shape.IsBatchOf(shape))
        {
            return input;
        }
        if (input.Rank == 2 && input.Columns == shape.Length)
        {
            return Tensor.EnsureView(ref _inputView, input, shape.WithBatch(input.Rows));
        }
        throw new ArgumentException($"Input has shape {input.Shape}; the model expects (N, {string.Join(", ", shape.ToArray())}) or (N, {shape.Length}).", nameof(input));
    }

    private static Tensor Take(IReadOnlyDictionary<string, Tensor> values, string name, TensorShape shape, string what)
    {
        if (!values.TryGetValue(name, out var t) || t is null)
        {
            throw new ArgumentException($"Missing {what} {name}.", nameof(values));
        }
        if (t.Shape != shape)
        {
            throw new ArgumentException($"The {what} {name} has shape {t.Shape}, expected {shape}.", nameof(values));
        }
        return t;
    }
}
