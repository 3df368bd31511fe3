namespace DropoutService.Engine.Layers;

/// <summary>
/// Everything a forward pass needs besides its input: the mode, the key of the counter-based
/// random generator that dropout masks come from, and whether layers may update their buffers.
/// A mask is a pure function of (<see cref="Seed"/>, <see cref="Step"/>, layer index, element
/// index), so the same pass can be recomputed later (a stateless Backward RPC) with exactly the
/// same masks.
/// </summary>
/// <param name="Mode">Train, Eval or McDropout.</param>
/// <param name="Seed">Random key for this pass's masks.</param>
/// <param name="Step">Counter distinguishing successive passes under one seed (the training step, or the Monte-Carlo sample).</param>
/// <param name="UpdateBuffers">
/// True only for a training step on a model that owns its buffers (the trainer's clone): layers with
/// buffers (batch norm's running statistics) update them during this pass. False everywhere else,
/// so Predict, Forward and Backward never change shared state, in any mode. Only valid with
/// <see cref="ForwardMode.Train"/>; <c>Model.Forward</c> rejects it otherwise, and on a model whose
/// buffers are shared with replicas.
/// </param>
public readonly record struct ForwardPass(ForwardMode Mode, ulong Seed = 0, long Step = 0, bool UpdateBuffers = false)
{
    /// <summary>A deterministic evaluation pass.</summary>
    public static ForwardPass Eval => new(ForwardMode.Eval);

    /// <summary>True when dropout layers must drop units in this pass.</summary>
    public bool DropoutActive => Mode is ForwardMode.Train or ForwardMode.McDropout;

    /// <summary>True when layers normalise with the statistics of the batch rather than their running statistics (training only).</summary>
    public bool UsesBatchStatistics => Mode == ForwardMode.Train;
}
