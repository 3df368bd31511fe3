using DropoutService.Engine.Layers;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Inference.Batching;

namespace DropoutService.Server.Inference;

/// <summary>
/// One caller's rows on their way through the engine, alone or stacked into a batch with others,
/// and the results cut back out for that caller.
/// </summary>
internal sealed class InferenceRequest(Tensor input, WorkKind kind, ForwardMode mode, int samples, ulong seed, bool activations)
{
    public static InferenceRequest Eval(Tensor input, bool activations = false) => new(input, WorkKind.Eval, ForwardMode.Eval, 0, 0, activations);

    public static InferenceRequest MonteCarlo(Tensor input, int samples, ulong seed) => new(input, WorkKind.MonteCarlo, ForwardMode.McDropout, samples, seed, false);

    /// <summary>A forward pass with dropout active (train or MC-dropout mode), keyed by <paramref name="seed"/> at step 0.</summary>
    public static InferenceRequest Forward(Tensor input, ForwardMode mode, ulong seed, bool activations) => new(input, WorkKind.Forward, mode, 0, seed, activations);

    public Tensor Input { get; } = input;

    public int Rows => Input.Rows;

    public WorkKind Kind { get; } = kind;

    /// <summary>The forward mode of every pass (McDropout for Monte-Carlo work).</summary>
    public ForwardMode Mode { get; } = mode;

    /// <summary>Monte-Carlo samples (MonteCarlo only).</summary>
    public int Samples { get; } = samples;

    /// <summary>Mask seed (MonteCarlo and Forward).</summary>
    public ulong Seed { get; } = seed;

    /// <summary>Whether every layer's output is kept (Forward with include_activations).</summary>
    public bool WantsActivations { get; } = activations;

    /// <summary>Eval and Forward: the outputs (rows, output size).</summary>
    public Tensor? Outputs { get; set; }

    /// <summary>MonteCarlo: mean over the samples (of probabilities for classifiers).</summary>
    public Tensor? Mean { get; set; }

    /// <summary>MonteCarlo: standard deviation over the samples.</summary>
    public Tensor? StandardDeviation { get; set; }

    /// <summary>MonteCarlo, classifiers: entropy of each row's mean probabilities.</summary>
    public float[]? PredictiveEntropy { get; set; }

    /// <summary>Forward with activations: each layer's output (rows, layer output size).</summary>
    public Tensor?[]? Activations { get; set; }

    /// <summary>Queue bookkeeping when the request is batched.</summary>
    public QueueEntry? Entry { get; set; }
}
