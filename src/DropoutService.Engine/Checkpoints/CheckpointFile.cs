using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The checkpoint file format (docs/checkpoint-format.md): magic "DRPTCKPT", format version
/// (uint32 LE), payload length (uint64 LE), payload, SHA-256 of everything before it. Files are
/// written atomically and never overwritten; reading checks, in order: length, magic, version,
/// declared length, checksum, then decodes the payload defensively. Every format version ever
/// written is read (from <see cref="OldestFormatVersion"/> to <see cref="FormatVersion"/>); new
/// files are written in <see cref="FormatVersion"/>.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const uint FormatVersion = 2;

    /// <summary>The oldest format version this build reads (every version ever written).</summary>
    public const uint OldestFormatVersion = 1;

    /// <summary>Bytes before the payload: magic, version, payload length.</summary>
    public const int HeaderLength = 20;

    /// <summary>Bytes of the trailing SHA-256 checksum.</summary>
    public const int ChecksumLength = 32;

    private const int MagicLength = 8;

    /// <summary>The payload a file may declare: the whole file must fit in one array.</summary>
    internal const long MaxPayloadLength = (long)int.MaxValue - 64 - HeaderLength - ChecksumLength;

    /// <summary>The first 8 bytes of every checkpoint: ASCII "DRPTCKPT".</summary>
    public static ReadOnlySpan<byte> Magic => "DRPTCKPT"u8;

    /// <summary>Encodes a checkpoint; throws <see cref="ArgumentException"/> if it is inconsistent (parameters that do not fit the spec, limits exceeded).</summary>
    public static byte[] Serialize(Checkpoint checkpoint)
    {
        var layout = CheckpointPayloadV2.Check(checkpoint);
        var measure = PayloadWriter.Measuring();
        CheckpointPayloadV2.Write(ref measure, checkpoint, layout);
        if (measure.Position > MaxPayloadLength)
        {
            throw new ArgumentException($"The checkpoint payload would be {measure.Position} bytes, the format allows at most {MaxPayloadLength}.", nameof(checkpoint));
        }
        var bytes = new byte[HeaderLength + measure.Position + ChecksumLength];
        var writer = PayloadWriter.Into(bytes.AsSpan(HeaderLength, (int)measure.Position));
        CheckpointPayloadV2.Write(ref writer, checkpoint, layout);
        return Frame(bytes, FormatVersion);
    }

    /// <summary>Decodes a checkpoint; throws a <see cref="CheckpointException"/> subclass saying what is wrong with the bytes.</summary>
    public static Checkpoint Deserialize(ReadOnlySpan<byte> bytes) => Deserialize(bytes, path: null);

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically: to a temp file in the same
    /// directory, flushed to disk, renamed to <paramref name="path"/> without replacing anything,
    /// then the directory flushed. Throws <see cref="IOException"/> if <paramref name="path"/> exists.
    /// A crash can leave a stray <c>.{name}.{guid}.tmp</c> file, never a partial checkpoint.
    /// </summary>
    public static void Save(string path, Checkpoint checkpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Serialize(checkpoint);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (File.Exists(target))
        {
            // Early and cheap; the no-replace rename below is what actually guarantees it.
            throw new IOException($"'{target}' already exists; checkpoint files are immutable and never overwritten.");
        }
        string temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            DurableFileSystem.MoveNoReplace(temp, target);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        DurableFileSystem.FlushDirectory(directory);
    }

    /// <summary>Reads a checkpoint; throws a <see cref="CheckpointException"/> subclass naming the file and what is wrong with it, or the usual I/O exceptions.</summary>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        long length = stream.Length;
        // The header is checked before reading the rest, so a huge non-checkpoint is never read in.
        Span<byte> header = stackalloc byte[HeaderLength];
        int read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        CheckFrame(header[..read], length, path);
        var bytes = new byte[length];
        header.CopyTo(bytes);
        try
        {
            stream.ReadExactly(bytes.AsSpan(HeaderLength));
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointTruncatedException(path, stream.Position, length, "the length it had when opened");
        }
        return Deserialize(bytes, path);
    }

    internal static Checkpoint Deserialize(ReadOnlySpan<byte> bytes, string? path)
    {
        var (version, payloadLength) = CheckFrame(bytes, bytes.Length, path);
        var covered = bytes[..(HeaderLength + payloadLength)];
        Span<byte> actual = stackalloc byte[ChecksumLength];
        SHA256.HashData(covered, actual);
        var stored = bytes.Slice(HeaderLength + payloadLength, ChecksumLength);
        if (!actual.SequenceEqual(stored))
        {
            throw new CheckpointCorruptedException(path, $"the SHA-256 checksum does not match the contents (stored {Convert.ToHexStringLower(stored)}, computed {Convert.ToHexStringLower(actual)}).");
        }
        var reader = new PayloadReader(bytes.Slice(HeaderLength, payloadLength), path);
        return version == 1 ? CheckpointPayloadV1.Read(ref reader) : CheckpointPayloadV2.Read(ref reader);
    }

    /// <summary>Writes header and checksum around the payload already in place in <paramref name="file"/>; for tests that craft payloads and versions.</summary>
    internal static byte[] Frame(byte[] file, uint version)
    {
        var span = file.AsSpan();
        long payloadLength = file.Length - HeaderLength - ChecksumLength;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[MagicLength..], version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(MagicLength + 4)..], (ulong)payloadLength);
        SHA256.HashData(span[..(int)(HeaderLength + payloadLength)], span[(int)(HeaderLength + payloadLength)..]);
        return file;
    }

    /// <summary>
    /// Checks everything that does not need the payload, in the documented order, given the first
    /// bytes of the file (at least the header when the file has one) and the file's total length.
    /// Returns the format version and the payload length.
    /// </summary>
    private static (uint Version, int PayloadLength) CheckFrame(ReadOnlySpan<byte> start, long fileLength, string? path)
    {
        if (fileLength < HeaderLength || start.Length < HeaderLength)
        {
            throw new CheckpointTruncatedException(path, fileLength, HeaderLength, "the header alone");
        }
        var magic = start[..MagicLength];
        if (!magic.SequenceEqual(Magic))
        {
            throw new CheckpointFormatException(path, Printable(magic), $"\"{Encoding.ASCII.GetString(Magic)}\"");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(start[MagicLength..]);
        if (version is < OldestFormatVersion or > FormatVersion)
        {
            throw new CheckpointVersionException(path, version, FormatVersion);
        }
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(start[(MagicLength + 4)..]);
        long available = fileLength - HeaderLength - ChecksumLength;
        if (declared > (ulong)Math.Max(available, 0))
        {
            // Saturate: a corrupted length may not fit in a long.
            long expected = declared > long.MaxValue - HeaderLength - ChecksumLength ? long.MaxValue : HeaderLength + (long)declared + ChecksumLength;
            throw new CheckpointTruncatedException(path, fileLength, expected, $"its declared payload of {declared} bytes with header and checksum");
        }
        if (declared < (ulong)available)
        {
            throw new CheckpointCorruptedException(path, $"the header declares a payload of {declared} bytes, but the file has {available - (long)declared} bytes more than that payload, header and checksum need.");
        }
        if (declared > MaxPayloadLength)
        {
            throw new CheckpointCorruptedException(path, $"the declared payload of {declared} bytes exceeds the maximum of {MaxPayloadLength}.");
        }
        return (version, (int)declared);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }
        return text.Append("\" (0x").Append(Convert.ToHexString(bytes)).Append(')').ToString();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more; a stray temp file is harmless and recognisable.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
