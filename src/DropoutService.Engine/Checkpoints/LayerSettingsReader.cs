using System.Buffers.Binary;
using System.Text;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Reads a layer's settings back from its checkpoint record, in the order
/// <see cref="Models.LayerSpec.WriteSettings"/> wrote them. Every read is bounds-checked; a short
/// record, an undefined enum value, a boolean other than 0 or 1 or invalid UTF-8 is a
/// <see cref="CheckpointCorruptedException"/> naming the field (<c>layers[2].dense.units</c>), and so
/// are bytes left over after the type's reader returns.
/// </summary>
public sealed class LayerSettingsReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _bytes;
    private readonly string? _path;
    private readonly string _prefix;
    private int _position;

    internal LayerSettingsReader(ReadOnlySpan<byte> settings, string? path, string prefix)
    {
        _bytes = settings.ToArray();
        _path = path;
        _prefix = prefix;
    }

    /// <summary>An i32.</summary>
    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, field));

    /// <summary>An i64.</summary>
    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    /// <summary>An f32, bit for bit.</summary>
    public float ReadSingle(string field) => BitConverter.Int32BitsToSingle(ReadInt32(field));

    /// <summary>A u8 that must be 0 or 1.</summary>
    public bool ReadBoolean(string field)
    {
        byte b = Take(1, field)[0];
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Corrupted(field, $"is {b}, expected 0 or 1"),
        };
    }

    /// <summary>An i32 that must be a defined value of <typeparamref name="TEnum"/>.</summary>
    public TEnum ReadEnum<TEnum>(string field)
        where TEnum : struct, Enum
    {
        int raw = ReadInt32(field);
        var value = (TEnum)Enum.ToObject(typeof(TEnum), raw);
        return Enum.IsDefined(value) ? value : throw Corrupted(field, $"is {raw}, not a known {typeof(TEnum).Name}");
    }

    /// <summary>An i32 byte count (at most 64 KiB) and that many bytes of valid UTF-8.</summary>
    public string ReadString(string field)
    {
        int count = ReadInt32(field + ".length");
        if (count < 0 || count > CheckpointLimits.MaxStringBytes)
        {
            throw Corrupted(field, $"has length {count}, expected a value in [0, {CheckpointLimits.MaxStringBytes}]");
        }
        var bytes = Take(count, field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CheckpointCorruptedException(_path, $"{_prefix}.{field} is not valid UTF-8.", e);
        }
    }

    /// <summary>Throws when the type's reader left bytes unread.</summary>
    internal void ExpectEnd()
    {
        if (_position != _bytes.Length)
        {
            throw new CheckpointCorruptedException(_path, $"the settings of {_prefix} have {_bytes.Length - _position} unexpected bytes after the last setting.");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > _bytes.Length - _position)
        {
            throw Corrupted(field, $"needs {count} bytes, but only {_bytes.Length - _position} of the settings remain");
        }
        var taken = _bytes.AsSpan(_position, count);
        _position += count;
        return taken;
    }

    private CheckpointCorruptedException Corrupted(string field, string problem) => new(_path, $"{_prefix}.{field} {problem}.");
}
