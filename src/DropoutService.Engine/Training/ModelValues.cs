using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;

namespace DropoutService.Engine.Training;

/// <summary>Copies a snapshot's named values into a live model of the same spec.</summary>
internal static class ModelValues
{
    /// <summary>Every parameter of <paramref name="target"/> takes the snapshot's value of the same name; throws <see cref="ArgumentException"/> on a missing name or another shape.</summary>
    public static void CopyInto(Checkpoint source, Model target)
    {
        if (source.Parameters.Count != target.Parameters.Count)
        {
            throw new ArgumentException($"The snapshot has {source.Parameters.Count} parameters, the model {target.Parameters.Count}.", nameof(source));
        }
        foreach (var p in target.Parameters)
        {
            if (!source.Parameters.TryGetValue(p.FullName, out var value) || value.Rows != p.Value.Rows || value.Columns != p.Value.Columns)
            {
                throw new ArgumentException($"The snapshot has no value of shape ({p.Value.Rows}, {p.Value.Columns}) for {p.FullName}.", nameof(source));
            }
        }
        foreach (var p in target.Parameters)
        {
            source.Parameters[p.FullName].Span.CopyTo(p.Value.Span);
        }
    }

    /// <summary>Throws <see cref="TrainingDivergedException"/> naming the first non-finite weight.</summary>
    public static void CheckFinite(Model model, int epoch, long step)
    {
        foreach (var p in model.Parameters)
        {
            var span = p.Value.Span;
            for (int i = 0; i < span.Length; i++)
            {
                if (!float.IsFinite(span[i]))
                {
                    throw new TrainingDivergedException(epoch, step, $"weight {p.FullName}[{i}] is {Describe(span[i])}");
                }
            }
        }
    }

    public static string Describe(float value) =>
        float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "+Inf" : float.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
