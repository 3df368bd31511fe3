namespace DropoutService.Server.Inference;

/// <summary>What a unit of inference work computes.</summary>
internal enum WorkKind
{
    /// <summary>One evaluation-mode pass (Predict without samples, Forward in eval mode): batchable.</summary>
    Eval,

    /// <summary>Monte-Carlo prediction: batchable with requests of the same sample count.</summary>
    MonteCarlo,

    /// <summary>A forward pass with dropout active (Forward in train or MC-dropout mode): runs alone.</summary>
    Forward,
}
