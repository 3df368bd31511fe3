using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Bounds-checked little-endian reader over a payload whose checksum has already been verified.
/// Every read checks the bytes that remain, and every count or length is checked against those
/// bytes and a sanity maximum before the caller allocates anything for it; any violation is a
/// <see cref="CheckpointCorruptedException"/> naming the field.
/// </summary>
internal ref struct PayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string? _path;
    private readonly int _length;
    private readonly int _baseOffset;
    private ReadOnlySpan<byte> _remaining;

    public PayloadReader(ReadOnlySpan<byte> payload, string? path)
        : this(payload, path, 0)
    {
    }

    private PayloadReader(ReadOnlySpan<byte> payload, string? path, int baseOffset)
    {
        _remaining = payload;
        _length = payload.Length;
        _path = path;
        _baseOffset = baseOffset;
    }

    public readonly int Remaining => _remaining.Length;

    /// <summary>Offset in the payload of the next byte, for messages (sub-readers count from the start of the whole payload).</summary>
    public readonly int Offset => _baseOffset + _length - _remaining.Length;

    public readonly string? Path => _path;

    public readonly CheckpointCorruptedException Corrupted(string detail, Exception? inner = null) =>
        new(_path, detail, inner);

    public byte ReadByte(string field) => Take(1, field)[0];

    public bool ReadBoolean(string field)
    {
        byte b = ReadByte(field);
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Corrupted($"{field} is {b}, expected 0 or 1 (payload offset {Offset - 1})."),
        };
    }

    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public float ReadSingle(string field) => BitConverter.Int32BitsToSingle(ReadInt32(field));

    public float? ReadOptionalSingle(string field) => ReadBoolean($"{field}.present") ? ReadSingle(field) : null;

    /// <summary>An int32 that must be ≥ 0.</summary>
    public int ReadNonNegativeInt32(string field)
    {
        int value = ReadInt32(field);
        return value >= 0 ? value : throw Corrupted($"{field} is {value}, expected a value ≥ 0 (payload offset {Offset - 4}).");
    }

    /// <summary>
    /// An int32 count of items, each encoded in at least <paramref name="minBytesPerItem"/> bytes:
    /// rejected when above <paramref name="max"/> or when the remaining bytes cannot hold that many.
    /// </summary>
    public int ReadCount(string field, int max, int minBytesPerItem)
    {
        int count = ReadInt32(field);
        if (count < 0 || count > max)
        {
            throw Corrupted($"{field} is {count}, expected a value in [0, {max}] (payload offset {Offset - 4}).");
        }
        if ((long)count * minBytesPerItem > Remaining)
        {
            throw Corrupted($"{field} is {count}, but only {Remaining} bytes remain for items of at least {minBytesPerItem} bytes each.");
        }
        return count;
    }

    public TEnum ReadEnum<TEnum>(string field)
        where TEnum : struct, Enum
    {
        int raw = ReadInt32(field);
        var value = (TEnum)Enum.ToObject(typeof(TEnum), raw);
        return Enum.IsDefined(value) ? value : throw Corrupted($"{field} is {raw}, not a known {typeof(TEnum).Name} (payload offset {Offset - 4}).");
    }

    public string ReadString(string field)
    {
        int count = ReadInt32($"{field}.length");
        if (count < 0 || count > CheckpointLimits.MaxStringBytes)
        {
            throw Corrupted($"{field} has length {count}, expected a value in [0, {CheckpointLimits.MaxStringBytes}] (payload offset {Offset - 4}).");
        }
        var bytes = Take(count, field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupted($"{field} is not valid UTF-8.", e);
        }
    }

    /// <summary>Checks that <paramref name="count"/> float32 values remain; call before allocating their destination.</summary>
    public readonly void EnsureSingles(long count, string field)
    {
        if (count < 0 || count * sizeof(float) > Remaining)
        {
            throw Corrupted($"{field} declares {count} float32 values ({count * sizeof(float)} bytes), but only {Remaining} bytes remain (payload offset {Offset}).");
        }
    }

    /// <summary>Reads exactly <c>destination.Length</c> float32 values.</summary>
    public void ReadSingles(Span<float> destination, string field)
    {
        EnsureSingles(destination.Length, field);
        var source = Take(destination.Length * sizeof(float), field);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(source), MemoryMarshal.Cast<float, int>(destination));
        }
    }

    /// <summary>The next <paramref name="count"/> bytes, which must remain.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0)
        {
            throw Corrupted($"{field} has length {count}, expected a value ≥ 0 (payload offset {Offset}).");
        }
        return Take(count, field);
    }

    /// <summary>A reader over the next <paramref name="count"/> bytes (which must remain); this reader moves past them.</summary>
    public PayloadReader Slice(int count, string field)
    {
        int offset = Offset;
        return new PayloadReader(ReadBytes(count, field), _path, offset);
    }

    public readonly void ExpectEnd(string after = "the metadata")
    {
        if (Remaining != 0)
        {
            throw Corrupted($"{Remaining} unexpected bytes after {after} (payload offset {Offset}).");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > _remaining.Length)
        {
            throw Corrupted($"{field} needs {count} bytes at payload offset {Offset}, but only {Remaining} remain.");
        }
        var taken = _remaining[..count];
        _remaining = _remaining[count..];
        return taken;
    }
}
