using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// Where a layer spec writes its settings for its checkpoint record
/// (<see cref="Models.LayerSpec.WriteSettings"/>): little-endian, no padding, in the order the
/// type's reader reads them back with <see cref="LayerSettingsReader"/>.
/// </summary>
public sealed class LayerSettingsWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _bytes = new(16);

    /// <summary>An empty writer (the checkpoint writer makes one per layer; tools may too).</summary>
    public LayerSettingsWriter()
    {
    }

    /// <summary>The bytes written so far: the settings block of the layer's record.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _bytes.WrittenSpan;

    /// <summary>i32.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_bytes.GetSpan(4), value);
        _bytes.Advance(4);
    }

    /// <summary>i64.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_bytes.GetSpan(8), value);
        _bytes.Advance(8);
    }

    /// <summary>f32, bit for bit.</summary>
    public void WriteSingle(float value) => WriteInt32(BitConverter.SingleToInt32Bits(value));

    /// <summary>u8 0 or 1.</summary>
    public void WriteBoolean(bool value)
    {
        _bytes.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _bytes.Advance(1);
    }

    /// <summary>An enum as i32 of its numeric value: renumbering the enum then changes the format.</summary>
    public void WriteEnum<TEnum>(TEnum value)
        where TEnum : struct, Enum => WriteInt32(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>i32 byte count, then UTF-8 (at most 64 KiB).</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = StrictUtf8.GetBytes(value);
        if (bytes.Length > CheckpointLimits.MaxStringBytes)
        {
            throw new ArgumentException($"A setting string is {bytes.Length} UTF-8 bytes, the maximum is {CheckpointLimits.MaxStringBytes}.", nameof(value));
        }
        WriteInt32(bytes.Length);
        bytes.CopyTo(_bytes.GetSpan(bytes.Length));
        _bytes.Advance(bytes.Length);
    }
}
