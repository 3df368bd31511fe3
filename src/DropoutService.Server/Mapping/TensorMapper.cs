using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DropoutService.Server.Errors;
using Google.Protobuf;
using ApiTensor = DropoutService.Api.V1.Tensor;
using EngineTensor = DropoutService.Engine.Tensors.Tensor;
using TensorEncoding = DropoutService.Api.V1.TensorEncoding;

namespace DropoutService.Server.Mapping;

/// <summary>Wire tensors (shape + packed floats or raw little-endian bytes) to engine tensors and back.</summary>
public static class TensorMapper
{
    /// <summary>
    /// Converts a wire tensor to a (rows, columns) engine tensor, adding a violation for every
    /// rule it breaks; returns null when it is invalid. A rank-1 tensor is one row.
    /// </summary>
    public static EngineTensor? ToEngine(ApiTensor? tensor, string field, int? expectedColumns, Violations violations)
    {
        if (tensor is null)
        {
            violations.Add(field, "is required");
            return null;
        }
        if (tensor.Shape.Count is < 1 or > 2)
        {
            violations.Add($"{field}.shape", $"must have 1 or 2 dimensions, got {tensor.Shape.Count}");
            return null;
        }
        long rows = tensor.Shape.Count == 2 ? tensor.Shape[0] : 1;
        long columns = tensor.Shape[^1];
        if (rows < 1 || columns < 1)
        {
            violations.Add($"{field}.shape", rows == 0 ? "the batch is empty: rows must be at least 1" : $"every dimension must be at least 1, got [{string.Join(", ", tensor.Shape)}]");
            return null;
        }
        if (rows > int.MaxValue / columns) // not rows * columns: that product can overflow long
        {
            violations.Add($"{field}.shape", "too many elements");
            return null;
        }
        if (expectedColumns is int expected && columns != expected)
        {
            violations.Add($"{field}.shape", $"shape mismatch: the model expects {expected} columns, got {columns}");
            return null;
        }
        int count = (int)(rows * columns);
        var result = new EngineTensor((int)rows, (int)columns);
        var span = result.Span;
        switch (tensor.DataCase)
        {
            case ApiTensor.DataOneofCase.Values:
                var values = tensor.Values.Values;
                if (values.Count != count)
                {
                    violations.Add($"{field}.values", $"shape mismatch: shape [{string.Join(", ", tensor.Shape)}] needs {count} values, got {values.Count}");
                    return null;
                }
                for (int i = 0; i < count; i++)
                {
                    span[i] = values[i];
                }
                break;
            case ApiTensor.DataOneofCase.Raw:
                var bytes = tensor.Raw.Span;
                if (bytes.Length != count * 4L)
                {
                    violations.Add($"{field}.raw", $"shape mismatch: shape [{string.Join(", ", tensor.Shape)}] needs {count * 4L} bytes, got {bytes.Length}");
                    return null;
                }
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(span);
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        span[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
                    }
                }
                break;
            default:
                violations.Add(field, "data is required: set values or raw");
                return null;
        }
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

    /// <summary>A wire tensor of shape [rows, columns] holding <paramref name="data"/>.</summary>
    public static ApiTensor FromEngine(ReadOnlySpan<float> data, int rows, int columns, TensorEncoding encoding)
    {
        var tensor = new ApiTensor { Shape = { rows, columns } };
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

    public static ApiTensor FromEngine(EngineTensor tensor, TensorEncoding encoding) =>
        FromEngine(tensor.Span, tensor.Rows, tensor.Columns, encoding);

    /// <summary>Elements the shape declares (saturating at long.MaxValue), without allocating.</summary>
    public static long ElementCount(ApiTensor tensor)
    {
        long n = 1;
        foreach (long d in tensor.Shape)
        {
            n = d <= 0 ? 0 : n > long.MaxValue / d ? long.MaxValue : n * d;
        }
        return n;
    }
}
