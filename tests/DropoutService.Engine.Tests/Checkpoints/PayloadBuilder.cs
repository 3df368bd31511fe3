using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// Writes payloads and frames byte by byte from docs/checkpoint-format.md (formats 1 and 2),
/// independently of the engine's writer, so tests can craft malicious but correctly checksummed files.
/// </summary>
internal sealed class PayloadBuilder
{
    private readonly List<byte> _bytes = [];

    public PayloadBuilder Byte(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public PayloadBuilder Int32(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public PayloadBuilder Int64(long value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public PayloadBuilder UInt64(ulong value)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public PayloadBuilder Single(float value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public PayloadBuilder Singles(params float[] values)
    {
        foreach (float v in values)
        {
            Single(v);
        }
        return this;
    }

    public PayloadBuilder String(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        Int32(utf8.Length);
        _bytes.AddRange(utf8);
        return this;
    }

    public PayloadBuilder Bytes(IEnumerable<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>Format 2 model header: seed, loss, input rank and dimensions, layer count.</summary>
    public PayloadBuilder ModelHeader(ulong seed, int loss, int[] inputShape, int layerCount)
    {
        UInt64(seed).Int32(loss).Byte((byte)inputShape.Length);
        foreach (int d in inputShape)
        {
            Int32(d);
        }
        return Int32(layerCount);
    }

    /// <summary>Format 2 layer record: tag, record length, then the body <paramref name="body"/> writes.</summary>
    public PayloadBuilder LayerRecord(int tag, Action<PayloadBuilder> body, int lengthAdjustment = 0)
    {
        var inner = new PayloadBuilder();
        body(inner);
        return Int32(tag).Int32(inner._bytes.Count + lengthAdjustment).Bytes(inner._bytes);
    }

    /// <summary>Format 2 settings block: its length, then what <paramref name="settings"/> writes.</summary>
    public PayloadBuilder Settings(Action<PayloadBuilder> settings)
    {
        var inner = new PayloadBuilder();
        settings(inner);
        return Int32(inner._bytes.Count).Bytes(inner._bytes);
    }

    /// <summary>Format 2 tensor: name, rank, dimensions, values.</summary>
    public PayloadBuilder Tensor(string name, int[] shape, params float[] values)
    {
        String(name).Byte((byte)shape.Length);
        foreach (int d in shape)
        {
            Int32(d);
        }
        return Singles(values);
    }

    /// <summary>A format 2 dense record over <paramref name="inputs"/> inputs with 1 unit (Xavier).</summary>
    public PayloadBuilder DenseRecord(int inputs, float bias = 0f) => LayerRecord(1, b => b
        .Settings(s => s.Int32(1).Int32(1))
        .Int32(2).Tensor("weight", [inputs, 1], [.. Enumerable.Range(1, inputs).Select(i => (float)i)]).Tensor("bias", [1, 1], bias)
        .Int32(0));

    /// <summary>kind, units, init, rate, slope.</summary>
    public PayloadBuilder Layer(int kind, int units = 0, int init = 0, float rate = 0f, float slope = 0.01f) =>
        Int32(kind).Int32(units).Int32(init).Single(rate).Single(slope);

    /// <summary>Spec header for a (loss, seed) model: input size, loss, seed, layer count.</summary>
    public PayloadBuilder SpecHeader(int inputSize, int loss, ulong seed, int layerCount) =>
        Int32(inputSize).Int32(loss).UInt64(seed).Int32(layerCount);

    /// <summary>No optimizer; metadata with nothing set and no labels.</summary>
    public PayloadBuilder EmptyTail() =>
        Byte(0).Int32(0).Int64(0).Byte(0).Byte(0).Byte(0).Int64(0).Int32(0);

    /// <summary>Header (magic, version, payload length), payload, SHA-256 over both.</summary>
    public byte[] Framed(uint version = 1)
    {
        var file = new byte[20 + _bytes.Count + 32];
        "DRPTCKPT"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(12), (ulong)_bytes.Count);
        _bytes.CopyTo(file, 20);
        SHA256.HashData(file.AsSpan(0, 20 + _bytes.Count), file.AsSpan(20 + _bytes.Count));
        return file;
    }
}
