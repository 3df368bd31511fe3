namespace DropoutService.Engine.Losses;

/// <summary>The losses a model can be trained with.</summary>
public enum LossKind
{
    /// <summary>Softmax fused with cross-entropy over class ids; the model outputs logits.</summary>
    SoftmaxCrossEntropy = 0,

    /// <summary>Mean squared error against value targets, averaged over all elements.</summary>
    MeanSquaredError = 1,

    /// <summary>Sigmoid fused with binary cross-entropy against targets in [0, 1]; the model outputs logits.</summary>
    BinaryCrossEntropyWithLogits = 2,
}
