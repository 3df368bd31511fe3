namespace DropoutService.Engine.Layers;

/// <summary>
/// Everything a forward pass needs besides its input: the mode, and the key of the counter-based
/// random generator that dropout masks come from. A mask is a pure function of
/// (<see cref="Seed"/>, <see cref="Step"/>, layer index, element index), so the same pass can be
/// recomputed later (a stateless Backward RPC) with exactly the same masks.
/// </summary>
/// <param name="Mode">Train, Eval or McDropout.</param>
/// <param name="Seed">Random key for this pass's masks.</param>
/// <param name="Step">Counter distinguishing successive passes under one seed (the training step, or the Monte-Carlo sample).</param>
public readonly record struct ForwardPass(ForwardMode Mode, ulong Seed = 0, long Step = 0)
{
    /// <summary>A deterministic evaluation pass.</summary>
    public static ForwardPass Eval => new(ForwardMode.Eval);

    /// <summary>True when dropout layers must drop units in this pass.</summary>
    public bool DropoutActive => Mode is ForwardMode.Train or ForwardMode.McDropout;
}
