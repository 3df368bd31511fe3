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
    /// Throws <see cref="DatasetException"/> (an <see cref="ArgumentException"/>) when the data
    /// cannot train or evaluate a model with <paramref name="inputSize"/> inputs and
    /// <paramref name="outputSize"/> outputs under <paramref name="loss"/>: empty, wrong widths,
    /// wrong target kind, class ids out of range, non-finite values, binary cross-entropy targets
    /// outside [0, 1]. The rules are <see cref="DatasetProfiler"/>'s and
    /// <see cref="DatasetSummary.CheckFits"/>'s, the same for every way data arrives;
    /// <paramref name="name"/> prefixes the message.
    /// </summary>
    public void Validate(int inputSize, int outputSize, LossKind loss, string name = "data")
    {
        try
        {
            Profile().CheckFits(inputSize, outputSize, loss);
        }
        catch (DatasetException e)
        {
            string field = e.Field;
            if (field == "class_ids" && ClassIds is not null && loss == LossKind.SoftmaxCrossEntropy)
            {
                int row = Array.FindIndex(ClassIds, c => c >= outputSize);
                field = row >= 0 ? $"class_ids[{row}]" : field;
            }
            throw new DatasetException(field, $"{name}: {e.Message}");
        }
    }

    /// <summary>Checks the model-independent rules over every row and summarises the data.</summary>
    public DatasetSummary Profile()
    {
        var profiler = new DatasetProfiler([Features.Columns]);
        if (Count == 0)
        {
            throw new DatasetException("features", "the dataset is empty: it needs at least one row");
        }
        if (ClassIds is not null)
        {
            profiler.AddClassIds(Features.Span, ClassIds);
        }
        else
        {
            profiler.AddValues(Features.Span, Values!.Span, Values.Columns);
        }
        return profiler.Summary;
    }
}
