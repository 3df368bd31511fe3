using DropoutService.Engine.Kernels;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>Fully connected layer: weight (In, Out) row-major, bias (1, Out).</summary>
public sealed class DenseLayer : ILayer
{
    private readonly IBlas _blas;
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private Tensor? _input;          // the last forward's input (by reference; the caller keeps it alive)
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates the layer over the given weight (In, Out) and bias (1, Out), used by reference.</summary>
    public DenseLayer(int index, Tensor weight, Tensor bias, IBlas blas)
    {
        if (bias.Rows != 1 || bias.Columns != weight.Columns)
        {
            throw new ArgumentException($"Bias must have shape (1, {weight.Columns}), got ({bias.Rows}, {bias.Columns}).", nameof(bias));
        }
        Index = index;
        Name = NameFor(index);
        _blas = blas;
        _weight = new Parameter(Name, "weight", ParameterKind.Weight, weight);
        _bias = new Parameter(Name, "bias", ParameterKind.Bias, bias);
        Parameters = [_weight, _bias];
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Index { get; }

    /// <inheritdoc/>
    public int InputSize => _weight.Value.Rows;

    /// <inheritdoc/>
    public int OutputSize => _weight.Value.Columns;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The weight parameter (In, Out).</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias parameter (1, Out).</summary>
    public Parameter Bias => _bias;

    /// <summary>The name of the dense layer at <paramref name="index"/>.</summary>
    public static string NameFor(int index) => $"dense{index}";

    // input (N, In) · weight (In, Out) + bias (Out) -> output (N, Out)
    /// <inheritdoc/>
    public Tensor Forward(Tensor input, in ForwardPass pass)
    {
        LayerChecks.InputColumns(this, input);
        int n = input.Rows, inSize = InputSize, outSize = OutputSize;
        var output = Tensor.Ensure(ref _output, n, outSize);
        var y = output.Span;
        var b = _bias.Value.Span;
        for (int r = 0; r < n; r++)
        {
            b.CopyTo(y.Slice(r * outSize, outSize));
        }
        if (n == 1)
        {
            _blas.GemvTransposed(inSize, outSize, 1f, _weight.Value.Span, outSize, input.Span, 1f, y);
        }
        else
        {
            _blas.Gemm(false, false, n, outSize, inSize, 1f, input.Span, inSize, _weight.Value.Span, outSize, 1f, y, outSize);
        }
        _input = input;
        return output;
    }

    // dOutput (N, Out) -> dWeight = inputᵀ · dOutput (In, Out), dBias = Σ_rows dOutput (Out),
    //                     dInput = dOutput · weightᵀ (N, In)
    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient) => BackwardCore(outputGradient, computeInputGradient: true)!;

    /// <summary>Backward that writes only the parameter gradients: the first layer of a training step needs no input gradient.</summary>
    public void BackwardParametersOnly(Tensor outputGradient) => BackwardCore(outputGradient, computeInputGradient: false);

    private Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var input = LayerChecks.ForwardInput(this, _input, outputGradient);
        int n = input.Rows, inSize = InputSize, outSize = OutputSize;
        var dy = outputGradient.Span;
        _blas.Gemm(true, false, inSize, outSize, n, 1f, input.Span, inSize, dy, outSize, 0f, _weight.Gradient.Span, outSize);
        var db = _bias.Gradient.Span;
        dy.Slice(0, outSize).CopyTo(db);
        for (int r = 1; r < n; r++)
        {
            TensorPrimitives.Add(db, dy.Slice(r * outSize, outSize), db);
        }
        if (!computeInputGradient)
        {
            return null;
        }
        var dx = Tensor.Ensure(ref _inputGradient, n, inSize);
        _blas.Gemm(false, true, n, inSize, outSize, 1f, dy, outSize, _weight.Value.Span, outSize, 0f, dx.Span, inSize);
        return dx;
    }

    /// <inheritdoc/>
    public ILayer Replicate(IReadOnlyList<Tensor> parameterValues) => new DenseLayer(Index, parameterValues[0], parameterValues[1], _blas);
}
