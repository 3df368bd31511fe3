namespace DropoutService.Engine.Training;

/// <summary>
/// Applies the model-independent dataset rules to rows as they arrive (all at once, or chunk by
/// chunk while an upload streams in) and builds the <see cref="DatasetSummary"/> the
/// model-dependent rules are checked against: one set of rules for inline, uploaded and stored
/// data. Every violation is a <see cref="DatasetException"/> naming the row.
/// </summary>
public sealed class DatasetProfiler
{
    private readonly int[] _featureShape;
    private readonly int _featureCount;
    private TargetKind? _kind;
    private int _targetColumns;
    private int _maxClassId = -1;
    private float _minTarget = float.PositiveInfinity;
    private float _maxTarget = float.NegativeInfinity;

    /// <summary>Starts a profile of rows whose features have <paramref name="featureShape"/> (every dimension ≥ 1).</summary>
    public DatasetProfiler(IReadOnlyList<int> featureShape)
    {
        ArgumentNullException.ThrowIfNull(featureShape);
        long count = 1;
        foreach (int d in featureShape)
        {
            if (d < 1)
            {
                throw new DatasetException("features.shape", $"every dimension must be at least 1, got [{string.Join(", ", featureShape)}]");
            }
            count *= d;
            if (count > Array.MaxLength)
            {
                throw new DatasetException("features.shape", $"one row of shape [{string.Join(", ", featureShape)}] has more elements than an array holds ({Array.MaxLength})");
            }
        }
        if (featureShape.Count == 0)
        {
            throw new DatasetException("features.shape", "needs at least one dimension");
        }
        _featureShape = [.. featureShape];
        _featureCount = (int)count;
    }

    /// <summary>Rows profiled so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Features per row.</summary>
    public int FeatureCount => _featureCount;

    /// <summary>The summary of the rows so far; throws <see cref="DatasetException"/> when there are none.</summary>
    public DatasetSummary Summary => Rows == 0 || _kind is null
        ? throw new DatasetException("features", "the dataset is empty: send at least one row")
        : new DatasetSummary(Rows, _featureShape, _kind.Value, _targetColumns, _maxClassId,
            _kind == TargetKind.Values ? _minTarget : 0f, _kind == TargetKind.Values ? _maxTarget : 0f);

    /// <summary>Checks rows with class-id targets: finite features, ids ≥ 0, one id per row, one kind of target per dataset.</summary>
    public void AddClassIds(ReadOnlySpan<float> features, ReadOnlySpan<int> classIds)
    {
        int rows = CheckFeatures(features);
        SetKind(TargetKind.ClassIds, 0, "class_ids");
        if (classIds.Length != rows)
        {
            throw new DatasetException("class_ids", $"shape mismatch: {rows} feature rows but {classIds.Length} class ids");
        }
        for (int i = 0; i < classIds.Length; i++)
        {
            if (classIds[i] < 0)
            {
                throw new DatasetException($"class_ids[{i}]", $"row {Rows + i}: class id {classIds[i]} is negative");
            }
            _maxClassId = Math.Max(_maxClassId, classIds[i]);
        }
        Rows += rows;
    }

    /// <summary>Checks rows with value targets: finite features and values, <paramref name="columns"/> values per row, the same width throughout.</summary>
    public void AddValues(ReadOnlySpan<float> features, ReadOnlySpan<float> values, int columns)
    {
        int rows = CheckFeatures(features);
        if (columns < 1)
        {
            throw new DatasetException("target_values.shape", $"rows need at least one target value, got {columns}");
        }
        SetKind(TargetKind.Values, columns, "target_values");
        if (values.Length != (long)rows * columns)
        {
            throw new DatasetException("target_values.shape", $"shape mismatch: {rows} feature rows need {(long)rows * columns} target values, got {values.Length}");
        }
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                throw new DatasetException("target_values", $"row {Rows + i / columns}, column {i % columns} is {ModelValues.Describe(v)}; values must be finite (no NaN or Inf)");
            }
            _minTarget = Math.Min(_minTarget, v);
            _maxTarget = Math.Max(_maxTarget, v);
        }
        Rows += rows;
    }

    private int CheckFeatures(ReadOnlySpan<float> features)
    {
        if (features.Length % _featureCount != 0)
        {
            throw new DatasetException("features", $"{features.Length} values are not whole rows of {_featureCount} features");
        }
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new DatasetException("features", $"row {Rows + i / _featureCount}, feature {i % _featureCount} is {ModelValues.Describe(features[i])}; values must be finite (no NaN or Inf)");
            }
        }
        return features.Length / _featureCount;
    }

    private void SetKind(TargetKind kind, int columns, string field)
    {
        if (_kind is { } existing && existing != kind)
        {
            throw new DatasetException(field, $"earlier rows have {(existing == TargetKind.ClassIds ? "class ids" : "target values")}; a dataset has one kind of target");
        }
        if (kind == TargetKind.Values && _kind is not null && columns != _targetColumns)
        {
            throw new DatasetException("target_values.shape", $"rows have {columns} target values, earlier rows {_targetColumns}");
        }
        _kind = kind;
        _targetColumns = columns;
    }
}
