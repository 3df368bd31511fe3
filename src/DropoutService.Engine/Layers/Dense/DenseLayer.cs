using DropoutService.Engine.Kernels;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Dense;

/// <summary>Fully connected layer: weight (In, Out) row-major, bias (1, Out); each sample is a flat vector of In elements.</summary>
public sealed class DenseLayer : Layer
{
    private readonly IBlas _blas;
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private Tensor? _input;          // the last forward's input (by reference; the caller keeps it alive)
    private Tensor? _output;
    private Tensor? _inputGradient;

    /// <summary>Creates the layer over the context's <c>weight</c> (In, Out) and <c>bias</c> (1, Out).</summary>
    public DenseLayer(LayerBuildContext context)
        : base(context)
    {
        _blas = context.Blas;
        _weight = context.Parameter("weight");
        _bias = context.Parameter("bias");
        if (_weight.Value.Rank != 2 || _weight.Value.Rows != InputShape.Length || _bias.Value.Shape != new TensorShape(1, _weight.Value.Columns))
        {
            throw new ArgumentException($"{Name}: weight {_weight.Value.Shape} and bias {_bias.Value.Shape} do not fit {InputShape.Length} inputs.", nameof(context));
        }
    }

    /// <summary>Features per input sample (the flattened input shape).</summary>
    public int InputSize => _weight.Value.Rows;

    /// <summary>Output units.</summary>
    public int OutputSize => _weight.Value.Columns;

    /// <summary>The weight parameter (In, Out).</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias parameter (1, Out).</summary>
    public Parameter Bias => _bias;

    // input (N, In) · weight (In, Out) + bias (Out) -> output (N, Out)
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, in ForwardPass pass)
    {
        CheckInput(input);
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
    //                     dInput = dOutput · weightᵀ (N, In…)
    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient) => BackwardCore(outputGradient, computeInputGradient: true)!;

    /// <summary>Backward that writes only the parameter gradients: the first layer of a training step needs no input gradient.</summary>
    public override void BackwardParametersOnly(Tensor outputGradient) => BackwardCore(outputGradient, computeInputGradient: false);

    private Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var input = CheckBackward(_input, outputGradient, _input?.Rows ?? 0);
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
        var dx = Tensor.Ensure(ref _inputGradient, n, InputShape);
        _blas.Gemm(false, true, n, inSize, outSize, 1f, dy, outSize, _weight.Value.Span, outSize, 0f, dx.Span, inSize);
        return dx;
    }
}
