namespace DropoutService.Server.Datasets;

/// <summary>
/// One message of an upload, already mapped from the wire: rows of features (flattened) with their
/// class ids or target values. <see cref="FeatureShape"/> is set on the first chunk only.
/// </summary>
public sealed record DatasetChunk(IReadOnlyList<int>? FeatureShape, int Rows, float[] Features, int[]? ClassIds, float[]? Values, int ValueColumns);
