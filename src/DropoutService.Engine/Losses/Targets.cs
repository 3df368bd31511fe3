using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Losses;

/// <summary>
/// Training targets for a batch: class ids (softmax cross-entropy) or a value tensor of the
/// output's shape (mean squared error, binary cross-entropy).
/// </summary>
public sealed class Targets
{
    private Targets(int[]? classIds, Tensor? values, int count)
    {
        ClassIds = classIds;
        Values = values;
        Count = count;
    }

    /// <summary>Class ids, one per row, or null for value targets.</summary>
    public int[]? ClassIds { get; private set; }

    /// <summary>Target values (N, Out), or null for class-id targets.</summary>
    public Tensor? Values { get; }

    /// <summary>Number of rows the targets cover (≤ ClassIds.Length, which may be a reused buffer).</summary>
    public int Count { get; private set; }

    /// <summary>Class-id targets; the first <paramref name="count"/> entries are used (all when null).</summary>
    public static Targets FromClassIds(int[] classIds, int? count = null) => new(classIds, null, count ?? classIds.Length);

    /// <summary>Value targets of the output's shape.</summary>
    public static Targets FromValues(Tensor values) => new(null, values, values.Rows);

    /// <summary>Rebinds class-id targets to a reused buffer without allocating.</summary>
    internal void SetClassIds(int[] classIds, int count)
    {
        ClassIds = classIds;
        Count = count;
    }
}
