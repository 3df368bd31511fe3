using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Models;

/// <summary>An engine optimizer for given settings (ApplyGradients steps one itself).</summary>
public static class OptimizerFactory
{
    public static IOptimizer Create(OptimizerSettings settings) => settings.Kind switch
    {
        OptimizerKind.Sgd => new SgdOptimizer(settings),
        OptimizerKind.Momentum => new MomentumOptimizer(settings),
        OptimizerKind.Nesterov => new NesterovOptimizer(settings),
        OptimizerKind.RmsProp => new RmsPropOptimizer(settings),
        OptimizerKind.Adam => new AdamOptimizer(settings),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Unknown optimizer kind."),
    };
}
