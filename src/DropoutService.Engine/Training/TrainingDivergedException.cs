namespace DropoutService.Engine.Training;

/// <summary>
/// Training produced a non-finite loss or weight. The loss is checked at every step, before the
/// optimizer applies that step's gradients; weights and the validation loss at the end of every
/// epoch. The model holds the weights of the step that diverged or earlier and must not be used.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for the 1-based <paramref name="epoch"/> and <paramref name="step"/>; <paramref name="reason"/> says what went non-finite.</summary>
    public TrainingDivergedException(int epoch, long step, string reason)
        : base($"diverged at epoch {epoch}, step {step}: {reason}; lower the learning rate")
    {
        Epoch = epoch;
        Step = step;
        Reason = reason;
    }

    /// <summary>The 1-based epoch in which training diverged.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based optimizer step (counted over the whole run) at which the divergence was seen.</summary>
    public long Step { get; }

    /// <summary>What went non-finite, e.g. "loss is NaN" or "weight dense0.weight[12] is ∞".</summary>
    public string Reason { get; }
}
