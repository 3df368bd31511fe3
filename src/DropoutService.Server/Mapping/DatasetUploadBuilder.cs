using DropoutService.Api.V1;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;

namespace DropoutService.Server.Mapping;

/// <summary>
/// Maps the messages of an UploadDataset stream to <see cref="DatasetChunk"/>s, checking each
/// against the first (feature shape, target kind) before anything is allocated for it; the data
/// rules themselves are the engine's, applied by <see cref="DatasetCatalog"/>.
/// </summary>
public sealed class DatasetUploadBuilder
{
    private int[]? _featureShape;
    private int _featureCount;
    private int _message;

    public DatasetChunk Map(UploadDatasetRequest chunk)
    {
        var v = new Violations();
        string at = $" (message {_message})";
        IReadOnlyList<int>? shape = null;
        if (_message == 0)
        {
            if (chunk.FeatureShape.Count > 0)
            {
                if (!v.Check(chunk.FeatureShape.All(d => d is >= 1 and <= int.MaxValue) && chunk.FeatureShape.Count <= 8, "feature_shape", $"every dimension must be in [1, {int.MaxValue}], at most 8 of them{at}"))
                {
                    v.ThrowIfAny();
                }
                long product = chunk.FeatureShape.Aggregate(1L, (a, d) => Math.Min(a * d, (long)Array.MaxLength + 1));
                v.Check(product <= Array.MaxLength, "feature_shape", $"one row has more than {Array.MaxLength} features{at}");
                v.Check(chunk.FeatureCount == 0 || chunk.FeatureCount == product, "feature_count", $"is {chunk.FeatureCount} but feature_shape [{string.Join(", ", chunk.FeatureShape)}] has {product} features{at}");
                v.ThrowIfAny();
                _featureShape = chunk.FeatureShape.Select(d => (int)d).ToArray();
                _featureCount = (int)product;
            }
            else
            {
                v.Check(chunk.FeatureCount >= 1, "feature_count", "must be set (>= 1) in the first message, or feature_shape" + at);
                v.ThrowIfAny();
                _featureShape = [chunk.FeatureCount];
                _featureCount = chunk.FeatureCount;
            }
            shape = _featureShape;
        }
        else
        {
            v.Check(chunk.FeatureCount == 0 || chunk.FeatureCount == _featureCount, "feature_count", $"changed from {_featureCount} to {chunk.FeatureCount}" + at);
            v.Check(chunk.FeatureShape.Count == 0, "feature_shape", "may only be sent in the first message" + at);
        }
        var x = DatasetMapper.Floats(chunk.Features, "features", v);
        v.ThrowIfAny();
        var (rows, columns, features) = x!.Value;
        if (!v.Check(columns == _featureCount, "features.shape", $"shape mismatch: rows of {_featureCount} features expected, got {columns}{at}"))
        {
            v.ThrowIfAny();
        }
        _message++;
        if (chunk.TargetValues is not null)
        {
            v.Check(chunk.ClassIds.Count == 0, "target_values", "set class_ids or target_values, not both" + at);
            var t = DatasetMapper.Floats(chunk.TargetValues, "target_values", v);
            v.ThrowIfAny();
            return new DatasetChunk(shape, rows, features, null, t!.Value.Data, t.Value.Columns);
        }
        return new DatasetChunk(shape, rows, features, [.. chunk.ClassIds], null, 0);
    }
}
