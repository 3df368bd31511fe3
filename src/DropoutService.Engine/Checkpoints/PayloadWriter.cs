using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Little-endian writer for the payload encoding. A measuring writer only counts bytes, so the
/// encoder runs twice (measure, then write into one exactly sized buffer) instead of growing a stream.
/// </summary>
internal ref struct PayloadWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Span<byte> _destination;
    private readonly bool _measuring;

    private PayloadWriter(Span<byte> destination, bool measuring)
    {
        _destination = destination;
        _measuring = measuring;
    }

    /// <summary>Bytes written (or counted) so far.</summary>
    public long Position { get; private set; }

    public static PayloadWriter Measuring() => new(default, measuring: true);

    public static PayloadWriter Into(Span<byte> destination) => new(destination, measuring: false);

    public void WriteByte(byte value)
    {
        if (!_measuring)
        {
            _destination[(int)Position] = value;
        }
        Position += 1;
    }

    public void WriteInt32(int value)
    {
        if (!_measuring)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_destination[(int)Position..], value);
        }
        Position += 4;
    }

    public void WriteInt64(long value)
    {
        if (!_measuring)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_destination[(int)Position..], value);
        }
        Position += 8;
    }

    public void WriteUInt64(ulong value)
    {
        if (!_measuring)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_destination[(int)Position..], value);
        }
        Position += 8;
    }

    public void WriteSingle(float value)
    {
        // Bit-exact, NaN payloads included.
        WriteInt32(BitConverter.SingleToInt32Bits(value));
    }

    public void WriteOptionalSingle(float? value)
    {
        WriteByte(value.HasValue ? (byte)1 : (byte)0);
        if (value.HasValue)
        {
            WriteSingle(value.Value);
        }
    }

    /// <summary>int32 byte count, then the UTF-8 bytes. Throws <see cref="ArgumentException"/> for text that is not valid UTF-16 or too long to read back.</summary>
    public void WriteString(string value, string field)
    {
        int count;
        try
        {
            count = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{field} is not valid Unicode text (lone surrogate).", field, e);
        }
        if (count > CheckpointLimits.MaxStringBytes)
        {
            throw new ArgumentException($"{field} is {count} UTF-8 bytes, the maximum is {CheckpointLimits.MaxStringBytes}.", field);
        }
        WriteInt32(count);
        if (!_measuring)
        {
            StrictUtf8.GetBytes(value, _destination.Slice((int)Position, count));
        }
        Position += count;
    }

    /// <summary>The bytes as they are, with no count of their own.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (!_measuring)
        {
            bytes.CopyTo(_destination[(int)Position..]);
        }
        Position += bytes.Length;
    }

    /// <summary>The raw float32 values, little-endian, with no count (the caller writes the shape).</summary>
    public void WriteSingles(ReadOnlySpan<float> values)
    {
        long bytes = (long)values.Length * sizeof(float);
        if (!_measuring)
        {
            var target = _destination.Slice((int)Position, (int)bytes);
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(target);
            }
            else
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values), MemoryMarshal.Cast<byte, int>(target));
            }
        }
        Position += bytes;
    }
}
