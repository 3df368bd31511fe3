using DropoutService.Engine.Losses;

namespace DropoutService.Engine.Training;

/// <summary>
/// What the model-dependent dataset rules need to know about a dataset, computed once while its
/// rows are checked (<see cref="DatasetProfiler"/>): a stored dataset is checked against a model
/// from its summary alone, without reading its rows again.
/// </summary>
/// <param name="Rows">Examples.</param>
/// <param name="FeatureShape">Shape of one example's features, e.g. [784] or [1, 28, 28].</param>
/// <param name="TargetKind">Class ids or values.</param>
/// <param name="TargetColumns">Values per row (value targets); 0 for class ids.</param>
/// <param name="MaxClassId">Largest class id (class ids); -1 otherwise.</param>
/// <param name="MinTarget">Smallest target value (value targets); 0 otherwise.</param>
/// <param name="MaxTarget">Largest target value (value targets); 0 otherwise.</param>
public sealed record DatasetSummary(long Rows, IReadOnlyList<int> FeatureShape, TargetKind TargetKind, int TargetColumns, int MaxClassId, float MinTarget, float MaxTarget)
{
    /// <summary>Features per example: the product of <see cref="FeatureShape"/>.</summary>
    public long FeatureCount => FeatureShape.Aggregate(1L, (a, d) => a * d);

    /// <summary>
    /// The rules that depend on the model: feature count, target kind for the loss, class ids below
    /// the output size, target width, binary cross-entropy targets in [0, 1]. Throws
    /// <see cref="DatasetException"/> naming the field.
    /// </summary>
    public void CheckFits(int inputSize, int outputSize, LossKind loss)
    {
        if (Rows < 1)
        {
            throw new DatasetException("features", "the dataset is empty: it needs at least one row");
        }
        if (FeatureCount != inputSize)
        {
            throw new DatasetException("features", $"shape mismatch: rows have {FeatureCount} features ([{string.Join(", ", FeatureShape)}]), the model expects {inputSize}");
        }
        if (loss == LossKind.SoftmaxCrossEntropy)
        {
            if (TargetKind != TargetKind.ClassIds)
            {
                throw new DatasetException("class_ids", "a softmax cross-entropy model needs class ids, the dataset has target values");
            }
            if (MaxClassId >= outputSize)
            {
                throw new DatasetException("class_ids", $"class id {MaxClassId} is out of range [0, {outputSize}) for this model");
            }
            return;
        }
        if (TargetKind != TargetKind.Values)
        {
            throw new DatasetException("target_values", $"a {loss} model needs target values, the dataset has class ids");
        }
        if (TargetColumns != outputSize)
        {
            throw new DatasetException("target_values", $"shape mismatch: rows have {TargetColumns} target values, the model outputs {outputSize}");
        }
        if (loss == LossKind.BinaryCrossEntropyWithLogits && (MinTarget < 0f || MaxTarget > 1f))
        {
            throw new DatasetException("target_values", $"binary cross-entropy targets must be in [0, 1], the dataset has values in [{MinTarget}, {MaxTarget}]");
        }
    }
}
