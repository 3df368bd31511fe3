using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>Copies a snapshot's named values into a live model of the same spec.</summary>
internal static class ModelValues
{
    /// <summary>
    /// Every parameter and buffer of <paramref name="target"/> takes the snapshot's value of the same
    /// name (buffers — batch norm's running statistics — belong with the weights they were computed
    /// for); throws <see cref="ArgumentException"/> on a missing name or another shape.
    /// </summary>
    public static void CopyInto(Checkpoint source, Model target)
    {
        var pairs = Pairs(source.Parameters, target.Parameters.Select(p => (p.FullName, p.Value)).ToArray(), "parameter")
            .Concat(Pairs(source.Buffers, target.Buffers.Select(b => (b.FullName, b.Value)).ToArray(), "buffer"))
            .ToArray();
        foreach (var (from, to) in pairs)
        {
            from.Span.CopyTo(to.Span);
        }
    }

    private static (Tensor From, Tensor To)[] Pairs(IReadOnlyDictionary<string, Tensor> source, (string Name, Tensor Value)[] target, string what)
    {
        if (source.Count != target.Length)
        {
            throw new ArgumentException($"The snapshot has {source.Count} {what}s, the model {target.Length}.", nameof(source));
        }
        var pairs = new (Tensor, Tensor)[target.Length];
        for (int i = 0; i < target.Length; i++)
        {
            var (name, value) = target[i];
            if (!source.TryGetValue(name, out var from) || from.Shape != value.Shape)
            {
                throw new ArgumentException($"The snapshot has no {what} value of shape {value.Shape} for {name}.", nameof(source));
            }
            pairs[i] = (from, value);
        }
        return pairs;
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
