using DropoutService.Engine.Layers;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Training;

/// <summary>
/// The one resume policy of Train, jobs and ApplyGradients: the base version's optimizer state is
/// resumed when it is of the same kind, not reset by the caller, and fits the parameters;
/// otherwise the optimizer starts afresh.
/// </summary>
public static class OptimizerResume
{
    public static OptimizerState? Select(OptimizerState? stored, OptimizerSettings settings, IReadOnlyList<Parameter> parameters, bool reset)
    {
        if (reset || stored is null || stored.Kind != settings.Kind)
        {
            return null;
        }
        try
        {
            OptimizerFactory.Create(settings).ImportState(stored, parameters);
            return stored;
        }
        catch (ArgumentException)
        {
            // Stored state of the same kind that does not fit these parameters or settings.
            return null;
        }
    }
}
