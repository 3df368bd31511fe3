namespace DropoutService.Engine.Optimizers;

/// <summary>How the learning rate changes over epochs.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant = 0,

    /// <summary>Multiplied by γ every <see cref="LearningRateSchedule.StepEpochs"/> epochs (PyTorch's StepLR).</summary>
    Step = 1,

    /// <summary>Cosine annealing from the base rate to the minimum over the run (PyTorch's CosineAnnealingLR, no restarts).</summary>
    Cosine = 2,
}
