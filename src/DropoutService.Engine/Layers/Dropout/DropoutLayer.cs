using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Dropout;

/// <summary>
/// Inverted dropout. <see cref="Rate"/> is the probability of DROPPING a unit (the PyTorch and Keras
/// convention). When the pass has dropout active (<see cref="ForwardMode.Train"/> and
/// <see cref="ForwardMode.McDropout"/>) each element is kept with probability 1 - rate and the kept
/// ones are scaled by 1 / (1 - rate), so the expected output equals the input and evaluation needs
/// no rescaling. In <see cref="ForwardMode.Eval"/>, and for rate 0 in every mode, the layer is the
/// identity: forward returns its input tensor itself and backward its gradient tensor itself.
/// </summary>
/// <remarks>
/// <para>The original numpy write-up this service descends from calls the KEEP probability
/// <c>prob</c>: its <c>prob</c> is <c>1 - rate</c> here (its <c>prob = 0.8</c> is <c>rate = 0.2</c>).</para>
/// <para>Masks are not drawn from a stateful generator: element (row, column) of the pass
/// (seed, step) is kept according to <see cref="DropoutMask"/> keyed by (seed, step, <see cref="Index"/>)
/// at element index row * columns + column, so the same pass always gives the same mask, on any
/// number of threads. Forward generates the mask and scales in one pass over the data and records
/// it bit-packed (one bit per element) for backward; no float mask is ever stored.</para>
/// </remarks>
public sealed class DropoutLayer : Layer
{
    private readonly DropoutRunner _runner = new();
    private Tensor? _output;
    private Tensor? _inputGradient;
    private ulong[]? _bits;
    private Tensor? _forwardResult;   // null until the first forward; the input itself after an identity pass
    private bool _forwardMasked;
    private bool _forwardStoredBits;
    private int _forwardRows;
    private DropoutMask _mask;

    /// <summary>Creates the dropout layer; its index (part of the mask key) and name <c>dropout{index}</c> come from <paramref name="context"/>.</summary>
    /// <param name="context">The layer's build context.</param>
    /// <param name="rate">Drop probability, in [0, 1). (The numpy write-up's keep probability <c>prob</c> is 1 - rate.)</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is NaN, negative or ≥ 1.</exception>
    public DropoutLayer(LayerBuildContext context, float rate)
        : base(context)
    {
        if (!(rate >= 0f && rate < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Dropout rate (drop probability) must be in [0, 1), got {rate}.");
        }
        Rate = rate;
        Scale = (float)(1.0 / (1.0 - rate));
    }

    /// <summary>Probability of dropping a unit, in [0, 1).</summary>
    public float Rate { get; }

    /// <summary>The factor kept units are multiplied by: 1 / (1 - <see cref="Rate"/>), rounded once to float32.</summary>
    public float Scale { get; }

    /// <summary>Test and benchmark knob: which SIMD path the kernels take (all give identical bits).</summary>
    internal MaskKernel Kernel { get; set; } = MaskKernel.Auto;

    /// <summary>Test and benchmark knob: how many threads large tensors are split over (results do not depend on it).</summary>
    internal int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Test and benchmark knob: true records the mask bit-packed in forward and applies it in
    /// backward; false regenerates it in backward from the saved key. Both give identical results.
    /// </summary>
    internal bool StoreBitMask { get; set; } = true;

    // input (N, …) -> output (N, …) = input ⊙ mask(seed, step, Index) / (1 - rate), or input itself when inactive
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, in ForwardPass pass)
    {
        CheckInput(input);
        _forwardRows = input.Rows;
        if (!pass.DropoutActive || Rate == 0f)
        {
            _forwardMasked = false;
            _forwardResult = input;
            return input;
        }

        _mask = new DropoutMask(pass.Seed, pass.Step, Index, Rate);
        var output = Tensor.Ensure(ref _output, input.Shape);
        ulong[]? bits = null;
        if (StoreBitMask)
        {
            int words = DropoutKernels.WordsFor(input.Length);
            if (_bits is null || _bits.Length < words)
            {
                _bits = new ulong[words];
            }
            bits = _bits;
        }
        _runner.Apply(_mask, input.Memory, output.Memory, bits, Kernel, MaxDegreeOfParallelism);
        _forwardMasked = true;
        _forwardStoredBits = bits is not null;
        _forwardResult = output;
        return output;
    }

    // dOutput (N, …) -> dInput (N, …) = dOutput ⊙ (the same mask) / (1 - rate), or dOutput itself when forward was the identity
    /// <inheritdoc/>
    public override Tensor Backward(Tensor outputGradient)
    {
        CheckBackward(_forwardResult, outputGradient, _forwardRows);
        if (!_forwardMasked)
        {
            return outputGradient;
        }

        var dx = Tensor.Ensure(ref _inputGradient, outputGradient.Shape);
        if (_forwardStoredBits)
        {
            _runner.ApplyBits(_bits!, _mask.Scale, outputGradient.Memory, dx.Memory, Kernel, MaxDegreeOfParallelism);
        }
        else
        {
            // d(x·m·s)/dx = m·s: regenerating the mask and applying it to the gradient is forward's kernel itself.
            _runner.Apply(_mask, outputGradient.Memory, dx.Memory, null, Kernel, MaxDegreeOfParallelism);
        }
        return dx;
    }
}
