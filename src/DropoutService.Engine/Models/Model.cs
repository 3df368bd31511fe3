using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// A sequential model: an ordered stack of layers built from a <see cref="ModelSpec"/>, and its
/// loss. An instance keeps activations of its last forward pass for backward, so it serves one
/// caller at a time; <see cref="Replicate"/> gives another instance over the same weights for a
/// concurrent reader, <see cref="Clone"/> an independent deep copy for training.
/// </summary>
public sealed class Model
{
    private readonly ILayer[] _layers;
    private readonly Parameter[] _parameters;

    private Model(ModelSpec spec, ILayer[] layers, IBlas blas)
    {
        Spec = spec;
        _layers = layers;
        Blas = blas;
        _parameters = layers.SelectMany(l => l.Parameters).ToArray();
        Loss = LossFactory.Create(spec.Loss);
        OutputSize = layers[^1].OutputSize;
    }

    /// <summary>The spec the model was built from.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>Every trainable parameter, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The loss of the spec.</summary>
    public ILoss Loss { get; }

    /// <summary>The matrix-product backend the dense layers use.</summary>
    public IBlas Blas { get; }

    /// <summary>Features per input row.</summary>
    public int InputSize => Spec.InputSize;

    /// <summary>Features per output row (classes, for a classifier).</summary>
    public int OutputSize { get; }

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Validates the spec and builds the model with weights initialised from the spec's seed.</summary>
    public static Model Create(ModelSpec spec, IBlas? blas = null)
    {
        ModelSpecValidator.Validate(spec);
        blas ??= Kernels.Blas.Default;
        return new Model(spec, LayerFactory.Build(spec, blas, null), blas);
    }

    /// <summary>Builds the model over the given parameter values (by <see cref="Parameter.FullName"/>; used by reference, not copied).</summary>
    public static Model FromParameters(ModelSpec spec, IReadOnlyDictionary<string, Tensor> values, IBlas? blas = null)
    {
        ModelSpecValidator.Validate(spec);
        blas ??= Kernels.Blas.Default;
        var layers = LayerFactory.Build(spec, blas, values);
        int expected = layers.Sum(l => l.Parameters.Count);
        if (values.Count != expected)
        {
            throw new ArgumentException($"Expected {expected} parameters for this spec, got {values.Count}.", nameof(values));
        }
        return new Model(spec, layers, blas);
    }

    /// <summary>
    /// input (N, InputSize) -> output (N, OutputSize); the result belongs to the model until its
    /// next forward pass. <paramref name="cancellationToken"/> is checked before each layer
    /// (<see cref="OperationCanceledException"/>; the model's workspaces are then unspecified).
    /// </summary>
    public Tensor Forward(Tensor input, in ForwardPass pass, CancellationToken cancellationToken = default)
    {
        if (input.Columns != InputSize)
        {
            throw new ArgumentException($"Input has {input.Columns} features, the model expects {InputSize}.", nameof(input));
        }
        var x = input;
        foreach (var layer in _layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            x = layer.Forward(x, pass);
        }
        return x;
    }

    /// <summary>
    /// dLoss/dOutput (N, OutputSize) -> dLoss/dInput (N, InputSize), after a forward pass on this
    /// instance; every parameter's gradient is written.
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
        if (_layers[first] is DenseLayer dense)
        {
            dense.BackwardParametersOnly(g);
        }
        else
        {
            _layers[first].Backward(g);
        }
    }

    /// <summary>Evaluation-mode forward pass.</summary>
    public Tensor Predict(Tensor input) => Forward(input, ForwardPass.Eval);

    /// <summary>Another instance over the same parameter values (read-only sharing), with its own workspaces.</summary>
    public Model Replicate() =>
        new(Spec, _layers.Select(l => l.Replicate(l.Parameters.Select(p => p.Value).ToArray())).ToArray(), Blas);

    /// <summary>
    /// Another instance over the same parameter values (read-only sharing), with its own
    /// workspaces and its matrix products through <paramref name="blas"/> (for instance
    /// <see cref="Kernels.Blas.RowStable"/> for inference replicas).
    /// </summary>
    public Model ReplicateWith(IBlas blas)
    {
        ArgumentNullException.ThrowIfNull(blas);
        return new(Spec, LayerFactory.Build(Spec, blas, _parameters.ToDictionary(p => p.FullName, p => p.Value)), blas);
    }

    /// <summary>An independent deep copy: same values, own parameters and workspaces.</summary>
    public Model Clone() =>
        new(Spec, _layers.Select(l => l.Replicate(l.Parameters.Select(p => p.Value.Clone()).ToArray())).ToArray(), Blas);
}
