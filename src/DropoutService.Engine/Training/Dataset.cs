using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>Examples for training or evaluation: features (N, In) and class-id or value targets.</summary>
public sealed class Dataset
{
    private Dataset(Tensor features, int[]? classIds, Tensor? values)
    {
        Features = features;
        ClassIds = classIds;
        Values = values;
    }

    /// <summary>Features, one example per row.</summary>
    public Tensor Features { get; }

    /// <summary>Class ids, one per row (classification), or null.</summary>
    public int[]? ClassIds { get; }

    /// <summary>Target values (N, Out) (regression, binary targets), or null.</summary>
    public Tensor? Values { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Features.Rows;

    /// <summary>All targets as a <see cref="Losses.Targets"/>.</summary>
    public Targets Targets => ClassIds is not null ? Targets.FromClassIds(ClassIds) : Targets.FromValues(Values!);

    /// <summary>A classification dataset; <paramref name="classIds"/> has one entry per feature row.</summary>
    public static Dataset FromClassIds(Tensor features, int[] classIds)
    {
        if (classIds.Length != features.Rows)
        {
            throw new ArgumentException($"{classIds.Length} class ids for {features.Rows} feature rows.", nameof(classIds));
        }
        return new Dataset(features, classIds, null);
    }

    /// <summary>A dataset with value targets; <paramref name="values"/> has one row per feature row.</summary>
    public static Dataset FromValues(Tensor features, Tensor values)
    {
        if (values.Rows != features.Rows)
        {
            throw new ArgumentException($"{values.Rows} target rows for {features.Rows} feature rows.", nameof(values));
        }
        return new Dataset(features, null, values);
    }

    /// <summary>A copy of the rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        var features = new Tensor(indices.Count, Features.Columns);
        Tensor? values = Values is null ? null : new Tensor(indices.Count, Values.Columns);
        int[]? ids = ClassIds is null ? null : new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int row = indices[i];
            Features.Row(row).CopyTo(features.Row(i));
            if (ids is not null)
            {
                ids[i] = ClassIds![row];
            }
            else
            {
                Values!.Row(row).CopyTo(values!.Row(i));
            }
        }
        return new Dataset(features, ids, values);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the data cannot train or evaluate a model with
    /// <paramref name="inputSize"/> inputs and <paramref name="outputSize"/> outputs under
    /// <paramref name="loss"/>: empty, wrong widths, wrong target kind, class ids out of range,
    /// non-finite values.
    /// </summary>
    public void Validate(int inputSize, int outputSize, LossKind loss, string name = "data")
    {
        if (Count == 0)
        {
            throw new ArgumentException($"{name} is empty.", name);
        }
        if (Features.Columns != inputSize)
        {
            throw new ArgumentException($"{name} has {Features.Columns} features per row, the model expects {inputSize}.", name);
        }
        int bad = IndexOfNonFinite(Features.Span);
        if (bad >= 0)
        {
            throw new ArgumentException($"{name} feature {bad % inputSize} of row {bad / inputSize} is not finite.", name);
        }
        if (loss == LossKind.SoftmaxCrossEntropy)
        {
            if (ClassIds is null)
            {
                throw new ArgumentException($"{name} needs class-id targets for softmax cross-entropy.", name);
            }
            for (int i = 0; i < ClassIds.Length; i++)
            {
                if ((uint)ClassIds[i] >= (uint)outputSize)
                {
                    throw new ArgumentException($"{name} row {i} has class id {ClassIds[i]}, outside [0, {outputSize}).", name);
                }
            }
            return;
        }
        if (Values is null)
        {
            throw new ArgumentException($"{name} needs value targets for {loss}.", name);
        }
        if (Values.Columns != outputSize)
        {
            throw new ArgumentException($"{name} targets have {Values.Columns} columns, the model outputs {outputSize}.", name);
        }
        bad = IndexOfNonFinite(Values.Span);
        if (bad >= 0)
        {
            throw new ArgumentException($"{name} target {bad % outputSize} of row {bad / outputSize} is not finite.", name);
        }
        if (loss == LossKind.BinaryCrossEntropyWithLogits)
        {
            foreach (float v in Values.Span)
            {
                if (v is < 0f or > 1f)
                {
                    throw new ArgumentException($"{name} binary cross-entropy targets must be in [0, 1], got {v}.", name);
                }
            }
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
