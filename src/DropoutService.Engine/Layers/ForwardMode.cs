namespace DropoutService.Engine.Layers;

/// <summary>How a forward pass treats stochastic and batch-statistics layers. Passed explicitly with every call.</summary>
public enum ForwardMode
{
    /// <summary>Training: dropout drops units with probability <c>rate</c> and scales the rest by 1/(1 - rate); normalisation uses batch statistics.</summary>
    Train = 0,

    /// <summary>Evaluation: every layer is deterministic; dropout is the identity; normalisation uses running statistics.</summary>
    Eval = 1,

    /// <summary>Monte-Carlo dropout: evaluation everywhere (running statistics) except dropout layers, which behave as in training.</summary>
    McDropout = 2,
}
