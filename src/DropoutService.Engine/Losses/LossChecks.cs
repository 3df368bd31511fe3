using System.Buffers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>Argument checks and per-call scratch shared by the losses.</summary>
internal static class LossChecks
{
    /// <summary>Rows up to this many floats get their scratch from the stack; wider ones rent from the pool.</summary>
    internal const int StackScratchFloats = 512;

    internal static void NonEmpty(Tensor outputs)
    {
        if (outputs.Rows == 0 || outputs.Columns == 0)
        {
            throw new ArgumentException($"The loss of an empty batch is undefined; outputs have shape ({outputs.Rows}, {outputs.Columns}).", nameof(outputs));
        }
    }

    internal static void GradientShape(Tensor outputs, Tensor? gradient)
    {
        if (gradient is not null && (gradient.Rows != outputs.Rows || gradient.Columns != outputs.Columns))
        {
            throw new ArgumentException(
                $"Gradient has shape ({gradient.Rows}, {gradient.Columns}), expected the outputs' shape ({outputs.Rows}, {outputs.Columns}).",
                nameof(gradient));
        }
    }

    internal static Tensor ValueTargets(Tensor outputs, Targets targets, LossKind kind)
    {
        var values = targets.Values
            ?? throw new ArgumentException($"{kind} needs value targets of the outputs' shape, got class ids.", nameof(targets));
        if (values.Rows != outputs.Rows || values.Columns != outputs.Columns)
        {
            throw new ArgumentException(
                $"Targets have shape ({values.Rows}, {values.Columns}), outputs ({outputs.Rows}, {outputs.Columns}).",
                nameof(targets));
        }
        return values;
    }

    /// <summary>Rents <paramref name="length"/> floats when they do not fit the stack budget; returns null otherwise.</summary>
    internal static float[]? RentIfLarge(int length) =>
        length > StackScratchFloats ? ArrayPool<float>.Shared.Rent(length) : null;

    internal static void Return(float[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
