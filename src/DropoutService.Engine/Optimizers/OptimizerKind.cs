namespace DropoutService.Engine.Optimizers;

/// <summary>The optimizers the engine provides.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent: w -= lr * g.</summary>
    Sgd = 0,

    /// <summary>Heavy-ball momentum: v = μv - lr*g; w += v.</summary>
    Momentum = 1,

    /// <summary>Nesterov momentum (the look-ahead form used by PyTorch).</summary>
    Nesterov = 2,

    /// <summary>RMSprop: running mean of squared gradients.</summary>
    RmsProp = 3,

    /// <summary>Adam with separate, bias-corrected first and second moments.</summary>
    Adam = 4,
}
