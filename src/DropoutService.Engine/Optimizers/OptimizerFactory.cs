namespace DropoutService.Engine.Optimizers;

/// <summary>Creates the optimizer an <see cref="OptimizerSettings"/> describes.</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// Validates <paramref name="settings"/> (<see cref="ArgumentOutOfRangeException"/> naming the
    /// first invalid setting, including an unknown kind) and returns a fresh optimizer with no state.
    /// </summary>
    public static IOptimizer Create(OptimizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return settings.Kind switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(settings),
            OptimizerKind.Momentum => new MomentumOptimizer(settings),
            OptimizerKind.Nesterov => new NesterovOptimizer(settings),
            OptimizerKind.RmsProp => new RmsPropOptimizer(settings),
            OptimizerKind.Adam => new AdamOptimizer(settings),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, $"Unknown optimizer kind {(int)settings.Kind}."),
        };
    }
}
