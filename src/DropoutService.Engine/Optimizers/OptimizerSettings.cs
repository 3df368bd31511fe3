namespace DropoutService.Engine.Optimizers;

/// <summary>
/// Optimizer choice and its hyper-parameters. Unused fields are ignored by kinds that do not need
/// them (e.g. Beta1 for SGD). Defaults follow PyTorch.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>The optimizer.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Momentum coefficient μ for Momentum and Nesterov, in [0, 1).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>RMSprop's decay ρ of the squared-gradient average, in [0, 1).</summary>
    public float Rho { get; init; } = 0.99f;

    /// <summary>Adam's first-moment decay β1, in [0, 1).</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam's second-moment decay β2, in [0, 1).</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Denominator guard ε for RMSprop and Adam (&gt; 0).</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        static void InUnit(float v, string name)
        {
            if (!(v >= 0f && v < 1f))
            {
                throw new ArgumentOutOfRangeException(name, v, $"{name} must be in [0, 1).");
            }
        }
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown optimizer kind.");
        }
        InUnit(Momentum, nameof(Momentum));
        InUnit(Rho, nameof(Rho));
        InUnit(Beta1, nameof(Beta1));
        InUnit(Beta2, nameof(Beta2));
        if (!(Epsilon > 0f) || float.IsInfinity(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be positive and finite.");
        }
    }
}
