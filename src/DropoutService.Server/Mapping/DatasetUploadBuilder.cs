using DropoutService.Api.V1;
using DropoutService.Server.Errors;
using DropoutService.Server.Models;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;

namespace DropoutService.Server.Mapping;

/// <summary>Accumulates the chunks of an UploadDataset stream, checking each against the first and the byte limit.</summary>
public sealed class DatasetUploadBuilder(long maxBytes)
{
    private readonly List<float> _features = [];
    private List<int>? _classIds;
    private List<float>? _values;
    private int _featureCount;
    private int _targetColumns;
    private int _message;
    private long _rows;

    public void Add(UploadDatasetRequest chunk)
    {
        var v = new Violations();
        string at = $" (message {_message})";
        if (_message == 0)
        {
            v.Check(chunk.FeatureCount >= 1, "feature_count", "must be set (>= 1) in the first message" + at);
            v.ThrowIfAny();
            _featureCount = chunk.FeatureCount;
        }
        else
        {
            v.Check(chunk.FeatureCount == 0 || chunk.FeatureCount == _featureCount, "feature_count", $"changed from {_featureCount} to {chunk.FeatureCount}" + at);
        }
        var x = TensorMapper.ToEngine(chunk.Features, "features", _featureCount, v);
        v.ThrowIfAny();
        int n = x!.Rows;
        float[]? values = null;
        if (chunk.ClassIds.Count > 0)
        {
            v.Check(_values is null, "class_ids", "earlier messages sent target_values; a dataset has one kind of target" + at);
            v.Check(chunk.TargetValues is null, "target_values", "set class_ids or target_values, not both" + at);
            v.Check(chunk.ClassIds.Count == n, "class_ids", $"shape mismatch: {n} feature rows but {chunk.ClassIds.Count} class ids" + at);
            v.Check(chunk.ClassIds.All(c => c >= 0), "class_ids", "class ids must be >= 0" + at);
        }
        else
        {
            v.Check(_classIds is null, "target_values", "earlier messages sent class_ids; a dataset has one kind of target" + at);
            var t = TensorMapper.ToEngine(chunk.TargetValues, "target_values", _targetColumns == 0 ? null : _targetColumns, v);
            if (t is not null && v.Check(t.Rows == n, "target_values.shape", $"shape mismatch: {n} feature rows but {t.Rows} target rows" + at))
            {
                _targetColumns = t.Columns;
                values = t.ToArray();
            }
        }
        v.ThrowIfAny();
        long bytes = (_features.Count + (long)x.Length + (_classIds?.Count ?? 0) + chunk.ClassIds.Count + (_values?.Count ?? 0) + (values?.Length ?? 0)) * 4L;
        if (bytes > maxBytes)
        {
            throw ServiceException.ResourceExhausted($"The dataset exceeds {maxBytes} bytes (Limits:MaxDatasetBytes).");
        }
        _features.AddRange(x.ToArray());
        if (values is null)
        {
            (_classIds ??= []).AddRange(chunk.ClassIds);
        }
        else
        {
            (_values ??= []).AddRange(values);
        }
        _rows += n;
        _message++;
    }

    public UploadedDataset Build()
    {
        if (_rows == 0)
        {
            throw new RequestValidationException("features", "the dataset is empty: send at least one row");
        }
        return new UploadedDataset(
            "ds-" + Guid.NewGuid().ToString("N"),
            EngineTensor.FromSpan((int)_rows, _featureCount, _features.ToArray()),
            _classIds?.ToArray(),
            _values is null ? null : EngineTensor.FromSpan((int)_rows, _targetColumns, _values.ToArray()),
            (_features.Count + (_classIds?.Count ?? 0) + (_values?.Count ?? 0)) * 4L,
            DateTimeOffset.UtcNow);
    }
}
