namespace DropoutService.Engine.Layers;

/// <summary>How a forward pass treats stochastic layers. Passed explicitly with every call.</summary>
public enum ForwardMode
{
    /// <summary>Training: dropout drops units with probability <c>rate</c> and scales the rest by 1/(1 - rate).</summary>
    Train = 0,

    /// <summary>Evaluation: every layer is deterministic; dropout is the identity.</summary>
    Eval = 1,

    /// <summary>Monte-Carlo dropout: evaluation everywhere except dropout layers, which behave as in training.</summary>
    McDropout = 2,
}
