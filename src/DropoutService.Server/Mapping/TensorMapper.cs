using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Errors;
using Google.Protobuf;
using ApiTensor = DropoutService.Api.V1.Tensor;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;
using TensorEncoding = DropoutService.Api.V1.TensorEncoding;

namespace DropoutService.Server.Mapping;

/// <summary>
/// Wire tensors (shape + packed floats or raw little-endian bytes) to engine tensors and back.
/// Shapes and data lengths are checked, with overflow-safe arithmetic, before anything is allocated.
/// </summary>
public static class TensorMapper
{
    /// <summary>
    /// Converts a model input for samples of <paramref name="sampleShape"/> (S): a wire tensor of
    /// shape [N, S...], the rank-2 [N, product(S)] of the same row-major values (read as
    /// [N, S...] without a copy), or [product(S)] for one sample. Adds a violation for every rule
    /// it breaks and returns null when it is invalid.
    /// </summary>
    public static EngineTensor? ToEngine(ApiTensor? tensor, string field, TensorShape sampleShape, Violations violations)
    {
        if (!TryReadShape(tensor, field, TensorShape.MaxRank, violations, out var dims))
        {
            return null;
        }
        long rows;
        int p = sampleShape.Length;
        if (dims.Length == sampleShape.Rank + 1 && SampleMatches(dims, sampleShape))
        {
            rows = dims[0];
        }
        else if (dims.Length == 2 && dims[1] == p)
        {
            rows = dims[0];
        }
        else if (dims.Length == 1 && dims[0] == p)
        {
            rows = 1;
        }
        else
        {
            string expected = sampleShape.Rank == 1
                ? $"{p} columns"
                : $"[N, {string.Join(", ", sampleShape.ToArray())}] or [N, {p}]";
            violations.Add($"{field}.shape", $"shape mismatch: the model expects {expected}, got [{string.Join(", ", dims)}]");
            return null;
        }
        if (rows > Array.MaxLength / p)
        {
            violations.Add($"{field}.shape", $"too many elements: [{string.Join(", ", dims)}] holds more than {Array.MaxLength} values");
            return null;
        }
        return Read(tensor!, field, dims, sampleShape.WithBatch((int)rows), violations);
    }

    /// <summary>
    /// Converts a wire tensor to a (rows, columns) engine tensor, adding a violation for every
    /// rule it breaks; returns null when it is invalid. A rank-1 tensor is one row.
    /// </summary>
    public static EngineTensor? ToEngine(ApiTensor? tensor, string field, int? expectedColumns, Violations violations)
    {
        if (!TryReadShape(tensor, field, maxRank: 2, violations, out var dims))
        {
            return null;
        }
        long rows = dims.Length == 2 ? dims[0] : 1;
        long columns = dims[^1];
        if (rows > Array.MaxLength / columns)
        {
            violations.Add($"{field}.shape", "too many elements");
            return null;
        }
        if (expectedColumns is int expected && columns != expected)
        {
            violations.Add($"{field}.shape", $"shape mismatch: the model expects {expected} columns, got {columns}");
            return null;
        }
        return Read(tensor!, field, dims, new TensorShape((int)rows, (int)columns), violations);
    }

    /// <summary>A wire tensor of shape [rows, columns] holding <paramref name="data"/>.</summary>
    public static ApiTensor FromEngine(ReadOnlySpan<float> data, int rows, int columns, TensorEncoding encoding) =>
        FromEngine(data, [rows, columns], encoding);

    /// <summary>A wire tensor of the engine tensor's shape (any rank) and values.</summary>
    public static ApiTensor FromEngine(EngineTensor tensor, TensorEncoding encoding) =>
        FromEngine(tensor.Span, tensor.Shape.ToArray(), encoding);

    /// <summary>Elements the shape declares (saturating at long.MaxValue; 0 for a non-positive dimension), without allocating.</summary>
    public static long ElementCount(ApiTensor tensor)
    {
        long n = 1;
        foreach (long d in tensor.Shape)
        {
            n = d <= 0 ? 0 : n > long.MaxValue / d ? long.MaxValue : n * d;
        }
        return n;
    }

    private static ApiTensor FromEngine(ReadOnlySpan<float> data, int[] shape, TensorEncoding encoding)
    {
        var tensor = new ApiTensor();
        foreach (int d in shape)
        {
            tensor.Shape.Add(d);
        }
        if (encoding == TensorEncoding.Raw)
        {
            if (BitConverter.IsLittleEndian)
            {
                tensor.Raw = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
            }
            else
            {
                var bytes = new byte[data.Length * 4];
                for (int i = 0; i < data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
                }
                tensor.Raw = ByteString.CopyFrom(bytes);
            }
        }
        else
        {
            var list = new Api.V1.FloatList();
            list.Values.Capacity = data.Length;
            foreach (float f in data)
            {
                list.Values.Add(f);
            }
            tensor.Values = list;
        }
        return tensor;
    }

    private static bool TryReadShape(ApiTensor? tensor, string field, int maxRank, Violations violations, out long[] dims)
    {
        dims = [];
        if (tensor is null)
        {
            violations.Add(field, "is required");
            return false;
        }
        if (tensor.Shape.Count < 1 || tensor.Shape.Count > maxRank)
        {
            violations.Add($"{field}.shape", maxRank == 2
                ? $"must have 1 or 2 dimensions, got {tensor.Shape.Count}"
                : $"must have 1 to {maxRank} dimensions, got {tensor.Shape.Count}");
            return false;
        }
        dims = [.. tensor.Shape];
        if (dims.Any(d => d < 1))
        {
            violations.Add($"{field}.shape", dims.Length >= 2 && dims[0] == 0 && dims.Skip(1).All(d => d >= 1)
                ? "the batch is empty: rows must be at least 1"
                : $"every dimension must be at least 1, got [{string.Join(", ", dims)}]");
            return false;
        }
        if (dims.Any(d => d > Array.MaxLength))
        {
            violations.Add($"{field}.shape", $"too many elements: [{string.Join(", ", dims)}]");
            return false;
        }
        return true;
    }

    private static bool SampleMatches(long[] dims, TensorShape sample)
    {
        for (int i = 0; i < sample.Rank; i++)
        {
            if (dims[i + 1] != sample[i])
            {
                return false;
            }
        }
        return true;
    }

    // The data's length is checked against the shape before the tensor is allocated.
    private static EngineTensor? Read(ApiTensor tensor, string field, long[] dims, TensorShape shape, Violations violations)
    {
        int count = shape.Length;
        string shapeText = $"[{string.Join(", ", dims)}]";
        switch (tensor.DataCase)
        {
            case ApiTensor.DataOneofCase.Values:
                if (tensor.Values.Values.Count != count)
                {
                    violations.Add($"{field}.values", $"shape mismatch: shape {shapeText} needs {count} values, got {tensor.Values.Values.Count}");
                    return null;
                }
                break;
            case ApiTensor.DataOneofCase.Raw:
                if (tensor.Raw.Length != count * 4L)
                {
                    violations.Add($"{field}.raw", $"shape mismatch: shape {shapeText} needs {count * 4L} bytes, got {tensor.Raw.Length}");
                    return null;
                }
                break;
            default:
                violations.Add(field, "data is required: set values or raw");
                return null;
        }
        var result = new EngineTensor(shape);
        var span = result.Span;
        if (tensor.DataCase == ApiTensor.DataOneofCase.Values)
        {
            var values = tensor.Values.Values;
            for (int i = 0; i < count; i++)
            {
                span[i] = values[i];
            }
        }
        else if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(tensor.Raw.Span).CopyTo(span);
        }
        else
        {
            var bytes = tensor.Raw.Span;
            for (int i = 0; i < count; i++)
            {
                span[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }
        }
        int columns = result.Columns;
        for (int i = 0; i < count; i++)
        {
            if (!float.IsFinite(span[i]))
            {
                violations.Add(field, $"element {i} (row {i / columns}, column {i % columns}) is {span[i]}; values must be finite (no NaN or Inf)");
                return null;
            }
        }
        return result;
    }
}
