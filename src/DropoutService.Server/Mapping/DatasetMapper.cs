using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;
using DropoutService.Server.Errors;
using ApiTensor = DropoutService.Api.V1.Tensor;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>
/// Wire datasets to engine datasets and stored datasets to the wire. Only the wire's own shape
/// rules are checked here, before anything is allocated; the data rules are the engine's
/// (<see cref="DatasetProfiler"/>), applied by the training use case.
/// </summary>
public static class DatasetMapper
{
    public static Dataset? ToEngine(Wire.Dataset? dataset, string field, long maxBytes, Violations v)
    {
        if (dataset is null)
        {
            v.Add(field, "is required");
            return null;
        }
        var features = Floats(dataset.Features, $"{field}.features", v);
        if (features is null)
        {
            return null;
        }
        var (rows, columns, data) = features.Value;
        long bytes = data.Length * 4L + dataset.ClassIds.Count * 4L + (dataset.TargetValues is null ? 0 : TensorMapper.ElementCount(dataset.TargetValues) * 4L);
        if (bytes > maxBytes)
        {
            throw ServiceException.ResourceExhausted($"{field} holds {bytes} bytes; the limit is {maxBytes} (Limits:MaxDatasetBytes).");
        }
        var x = EngineTensor.FromSpan(rows, columns, data);
        if (dataset.TargetValues is not null)
        {
            v.Check(dataset.ClassIds.Count == 0, $"{field}.class_ids", "set class_ids or target_values, not both");
            var t = Floats(dataset.TargetValues, $"{field}.target_values", v);
            if (t is null || !v.Check(t.Value.Rows == rows, $"{field}.target_values.shape", $"shape mismatch: {rows} feature rows but {t.Value.Rows} target rows"))
            {
                return null;
            }
            return Dataset.FromValues(x, EngineTensor.FromSpan(t.Value.Rows, t.Value.Columns, t.Value.Data));
        }
        if (!v.Check(dataset.ClassIds.Count == rows, $"{field}.class_ids", $"shape mismatch: needs one class id per row ({rows}) or target_values, got {dataset.ClassIds.Count} class ids"))
        {
            return null;
        }
        return Dataset.FromClassIds(x, [.. dataset.ClassIds]);
    }

    /// <summary>
    /// A wire tensor as (rows, columns per row, values): shape and data length are checked before
    /// any allocation, and a tensor larger than one array holds is refused naming that limit.
    /// Rank 1 is one row; rank ≥ 2 is [rows, ...] with the trailing dimensions flattened.
    /// </summary>
    public static (int Rows, int Columns, float[] Data)? Floats(ApiTensor? tensor, string field, Violations v)
    {
        if (tensor is null)
        {
            v.Add(field, "is required");
            return null;
        }
        if (tensor.Shape.Count is < 1 or > 8)
        {
            v.Add($"{field}.shape", $"must have 1 to 8 dimensions, got {tensor.Shape.Count}");
            return null;
        }
        if (tensor.Shape.Any(d => d < 1))
        {
            v.Add($"{field}.shape", $"every dimension must be at least 1, got [{string.Join(", ", tensor.Shape)}]");
            return null;
        }
        long rows = tensor.Shape.Count == 1 ? 1 : tensor.Shape[0];
        long columns = 1;
        foreach (long d in tensor.Shape.Skip(tensor.Shape.Count == 1 ? 0 : 1))
        {
            columns = d > Array.MaxLength / columns ? (long)Array.MaxLength + 1 : columns * d;
        }
        if (columns > Array.MaxLength || rows > Array.MaxLength / columns)
        {
            throw ServiceException.ResourceExhausted(
                $"{field}.shape [{string.Join(", ", tensor.Shape)}] needs more than {Array.MaxLength} elements, the most one tensor holds (the .NET array limit).");
        }
        int count = (int)(rows * columns);
        var data = new float[0];
        switch (tensor.DataCase)
        {
            case ApiTensor.DataOneofCase.Values:
                if (!v.Check(tensor.Values.Values.Count == count, $"{field}.values", $"shape mismatch: shape [{string.Join(", ", tensor.Shape)}] needs {count} values, got {tensor.Values.Values.Count}"))
                {
                    return null;
                }
                data = new float[count];
                tensor.Values.Values.CopyTo(data, 0);
                break;
            case ApiTensor.DataOneofCase.Raw:
                if (!v.Check(tensor.Raw.Length == count * 4L, $"{field}.raw", $"shape mismatch: shape [{string.Join(", ", tensor.Shape)}] needs {count * 4L} bytes, got {tensor.Raw.Length}"))
                {
                    return null;
                }
                data = new float[count];
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(tensor.Raw.Span).CopyTo(data);
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        data[i] = BinaryPrimitives.ReadSingleLittleEndian(tensor.Raw.Span.Slice(i * 4, 4));
                    }
                }
                break;
            default:
                v.Add(field, "data is required: set values or raw");
                return null;
        }
        return ((int)rows, (int)columns, data);
    }

    public static Wire.DatasetInfo ToApi(DatasetRecord r)
    {
        var s = r.Summary;
        var info = new Wire.DatasetInfo
        {
            DatasetId = r.Id,
            Rows = s.Rows,
            TargetKind = s.TargetKind == TargetKind.ClassIds ? Wire.DatasetTargetKind.ClassIds : Wire.DatasetTargetKind.Values,
            TargetColumns = s.TargetColumns,
            MaxClassId = s.MaxClassId,
            MinTargetValue = s.MinTarget,
            MaxTargetValue = s.MaxTarget,
            SizeBytes = r.SizeBytes,
            Sha256 = r.Sha256,
            CreateTimeUnixMs = r.CreatedUnixMs,
        };
        info.FeatureShape.AddRange(s.FeatureShape.Select(d => (long)d));
        return info;
    }
}
