using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Training;
using DropoutService.Server.Errors;

namespace DropoutService.Server.Datasets;

/// <summary>
/// The stored dataset format (docs/api.md, "Stored datasets"): magic "DRPTDSET", format version
/// (uint32 LE); chunks as they were uploaded (tag 1, row count, the rows' float32 features, their
/// int32 class ids or float32 target values), tag 0; a footer (rows, feature shape, target kind and
/// columns, class-id and value range, creation time), its length (uint32) and a SHA-256 of every
/// byte before it. Written as the upload streams in, read back in one pass that verifies the hash.
/// </summary>
public static class DatasetFile
{
    public const uint FormatVersion = 1;

    private const int TrailerLength = 4 + 32;

    public static ReadOnlySpan<byte> Magic => "DRPTDSET"u8;

    /// <summary>Writes a dataset file chunk by chunk, hashing as it goes.</summary>
    public sealed class Writer(Stream output) : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private bool _started;

        public long Length { get; private set; }

        public async Task WriteChunkAsync(ReadOnlyMemory<float> features, int rows, ReadOnlyMemory<int> classIds, ReadOnlyMemory<float> values, CancellationToken cancellationToken)
        {
            await StartAsync(cancellationToken);
            var head = new byte[5];
            head[0] = 1;
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(1), rows);
            await WriteAsync(head, cancellationToken);
            await WriteAsync(AsBytes(features), cancellationToken);
            await WriteAsync(classIds.IsEmpty ? AsBytes(values) : MemoryMarshal.AsBytes(classIds.Span).ToArray(), cancellationToken);
        }

        /// <summary>Ends the file with the footer and checksum; returns the SHA-256 in lowercase hex.</summary>
        public async Task<string> FinishAsync(DatasetSummary summary, long createdUnixMs, CancellationToken cancellationToken)
        {
            await StartAsync(cancellationToken);
            var footer = Footer(summary, createdUnixMs);
            var end = new byte[1 + footer.Length + 4];
            footer.CopyTo(end, 1);
            BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(1 + footer.Length), (uint)footer.Length);
            await WriteAsync(end, cancellationToken);
            var hash = _hash.GetHashAndReset();
            await output.WriteAsync(hash, cancellationToken);
            Length += hash.Length;
            return Convert.ToHexStringLower(hash);
        }

        public void Dispose() => _hash.Dispose();

        private async Task StartAsync(CancellationToken cancellationToken)
        {
            if (_started)
            {
                return;
            }
            _started = true;
            var header = new byte[12];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), FormatVersion);
            await WriteAsync(header, cancellationToken);
        }

        private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            _hash.AppendData(bytes.Span);
            await output.WriteAsync(bytes, cancellationToken);
            Length += bytes.Length;
        }

        private static byte[] AsBytes(ReadOnlyMemory<float> values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values.Span[i]);
            }
            return bytes;
        }
    }

    /// <summary>
    /// Reads and verifies a whole dataset file into an engine dataset; throws DATA_LOSS naming the
    /// dataset when the bytes do not match the checksum or the format.
    /// </summary>
    public static Dataset Read(Stream input, string id)
    {
        try
        {
            return ReadCore(input, id);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or OverflowException)
        {
            throw new ServiceException(ServiceError.DataLoss, $"Stored dataset '{id}' is corrupt ({e.Message}); delete it and upload it again.");
        }
    }

    private static Dataset ReadCore(Stream input, string id)
    {
        long length = input.Length;
        if (length < 12 + 1 + TrailerLength)
        {
            throw new InvalidDataException($"{length} bytes is too short");
        }
        var trailer = new byte[TrailerLength];
        input.Seek(length - TrailerLength, SeekOrigin.Begin);
        input.ReadExactly(trailer);
        uint footerLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (footerLength > length - 12 - 1 - TrailerLength)
        {
            throw new InvalidDataException("the footer length is out of range");
        }
        var footerBytes = new byte[footerLength];
        input.Seek(length - TrailerLength - footerLength, SeekOrigin.Begin);
        input.ReadExactly(footerBytes);
        var (summary, _) = ParseFooter(footerBytes);
        if (summary.Rows * summary.FeatureCount > Array.MaxLength || summary.Rows > int.MaxValue)
        {
            throw new InvalidDataException("the footer declares more values than fit in one tensor");
        }
        int rows = (int)summary.Rows, columns = (int)summary.FeatureCount;

        input.Seek(0, SeekOrigin.Begin);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = new HashingReader(input, hash);
        var header = reader.Read(12);
        if (!header.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)) != FormatVersion)
        {
            throw new InvalidDataException("not a version-1 dataset file");
        }
        var features = new Tensor(rows, columns);
        int[]? ids = summary.TargetKind == TargetKind.ClassIds ? new int[rows] : null;
        Tensor? values = ids is null ? new Tensor(rows, summary.TargetColumns) : null;
        int row = 0;
        while (reader.Read(1)[0] == 1)
        {
            int n = BinaryPrimitives.ReadInt32LittleEndian(reader.Read(4));
            if (n < 1 || n > rows - row)
            {
                throw new InvalidDataException($"a chunk of {n} rows overflows the {rows} rows the footer declares");
            }
            reader.ReadFloats(features.Span.Slice(row * columns, n * columns));
            if (ids is not null)
            {
                reader.ReadInts(ids.AsSpan(row, n));
            }
            else
            {
                reader.ReadFloats(values!.Span.Slice(row * values.Columns, n * values.Columns));
            }
            row += n;
        }
        if (row != rows)
        {
            throw new InvalidDataException($"{row} rows stored, the footer declares {rows}");
        }
        reader.Read((int)footerLength + 4);
        var expected = reader.Read(32, hashed: false);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expected))
        {
            throw new InvalidDataException("the SHA-256 checksum does not match the contents");
        }
        return ids is not null ? Dataset.FromClassIds(features, ids) : Dataset.FromValues(features, values!);
    }

    /// <summary>The footer of a file, for an index: the summary and creation time. Does not verify the checksum.</summary>
    public static (DatasetSummary Summary, long CreatedUnixMs) ReadFooter(Stream input)
    {
        long length = input.Length;
        var trailer = new byte[TrailerLength];
        input.Seek(length - TrailerLength, SeekOrigin.Begin);
        input.ReadExactly(trailer);
        uint footerLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (footerLength > length - TrailerLength)
        {
            throw new InvalidDataException("the footer length is out of range");
        }
        var footer = new byte[footerLength];
        input.Seek(length - TrailerLength - footerLength, SeekOrigin.Begin);
        input.ReadExactly(footer);
        return ParseFooter(footer);
    }

    private static byte[] Footer(DatasetSummary s, long created)
    {
        var bytes = new byte[8 + 4 + 4 * s.FeatureShape.Count + 1 + 4 + 4 + 4 + 4 + 8];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, s.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], s.FeatureShape.Count);
        int at = 12;
        foreach (int d in s.FeatureShape)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], d);
            at += 4;
        }
        span[at++] = (byte)s.TargetKind;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], s.TargetColumns);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], s.MaxClassId);
        BinaryPrimitives.WriteSingleLittleEndian(span[(at + 8)..], s.MinTarget);
        BinaryPrimitives.WriteSingleLittleEndian(span[(at + 12)..], s.MaxTarget);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 16)..], created);
        return bytes;
    }

    private static (DatasetSummary, long) ParseFooter(ReadOnlySpan<byte> span)
    {
        if (span.Length < 12)
        {
            throw new InvalidDataException("the footer is truncated");
        }
        long rows = BinaryPrimitives.ReadInt64LittleEndian(span);
        int rank = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (rank < 1 || rank > 16 || span.Length != 12 + 4 * rank + 1 + 24)
        {
            throw new InvalidDataException($"the footer's feature rank {rank} does not match its length");
        }
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(12 + 4 * i)..]);
            if (shape[i] < 1)
            {
                throw new InvalidDataException("a feature dimension is below 1");
            }
        }
        int at = 12 + 4 * rank;
        var kind = (TargetKind)span[at++];
        if (!Enum.IsDefined(kind) || rows < 1)
        {
            throw new InvalidDataException("the footer's target kind or row count is invalid");
        }
        var summary = new DatasetSummary(rows, shape, kind,
            BinaryPrimitives.ReadInt32LittleEndian(span[at..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[(at + 4)..]),
            BinaryPrimitives.ReadSingleLittleEndian(span[(at + 8)..]),
            BinaryPrimitives.ReadSingleLittleEndian(span[(at + 12)..]));
        if (kind == TargetKind.Values && summary.TargetColumns < 1)
        {
            throw new InvalidDataException("value targets with no columns");
        }
        return (summary, BinaryPrimitives.ReadInt64LittleEndian(span[(at + 16)..]));
    }

    private sealed class HashingReader(Stream input, IncrementalHash hash)
    {
        private readonly byte[] _buffer = new byte[1 << 16];

        public byte[] Read(int count, bool hashed = true)
        {
            var bytes = new byte[count];
            input.ReadExactly(bytes);
            if (hashed)
            {
                hash.AppendData(bytes);
            }
            return bytes;
        }

        public void ReadFloats(Span<float> destination) => ReadInto(MemoryMarshal.AsBytes(destination), BitConverter.IsLittleEndian ? null : 4);

        public void ReadInts(Span<int> destination) => ReadInto(MemoryMarshal.AsBytes(destination), BitConverter.IsLittleEndian ? null : 4);

        private void ReadInto(Span<byte> destination, int? swapWidth)
        {
            while (!destination.IsEmpty)
            {
                int n = Math.Min(_buffer.Length, destination.Length);
                input.ReadExactly(_buffer, 0, n);
                hash.AppendData(_buffer, 0, n);
                _buffer.AsSpan(0, n).CopyTo(destination);
                if (swapWidth is not null)
                {
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(destination[..n]), MemoryMarshal.Cast<byte, int>(destination[..n]));
                }
                destination = destination[n..];
            }
        }
    }
}
