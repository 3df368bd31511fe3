using System.Buffers.Binary;
using System.Security.Cryptography;
using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Training;

/// <summary>
/// The byte format of a <see cref="TrainingState"/> (a "working checkpoint"): magic "DRPTTRST",
/// format version (uint32 LE), payload length (uint64 LE), payload, SHA-256 of everything before
/// it: the framing of <see cref="CheckpointFile"/>. The payload holds the loop counters, the
/// metrics history, the early-stopping state and the model and best weights as embedded
/// checkpoint-file images, so every parameter and buffer the checkpoint format carries is carried
/// here too. docs/checkpoint-format.md describes it byte by byte.
/// </summary>
public static class TrainingStateFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const uint FormatVersion = 1;

    private const int HeaderLength = 20;
    private const int ChecksumLength = 32;
    private const int EpochBytes = 4 + 8 + 4 + 3 * 5 + 4 + 8;

    /// <summary>The first 8 bytes of every training-state file: ASCII "DRPTTRST".</summary>
    public static ReadOnlySpan<byte> Magic => "DRPTTRST"u8;

    /// <summary>Encodes <paramref name="state"/>; throws <see cref="ArgumentException"/> when its model or best weights cannot be encoded.</summary>
    public static byte[] Serialize(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[] model = CheckpointFile.Serialize(state.Model);
        byte[]? best = state.EarlyStopping?.BestWeights is { } b ? CheckpointFile.Serialize(b) : null;
        long payload = 4 + 8 + 8 + 1 + 4 + (long)state.History.Count * EpochBytes + 1
            + (state.EarlyStopping is null ? 0 : 4 + 4 + 4 + 8 + (best?.Length ?? 0))
            + 8 + model.Length;
        if (HeaderLength + payload + ChecksumLength > Array.MaxLength)
        {
            throw new ArgumentException($"The training state would be {payload} bytes, more than one array holds.", nameof(state));
        }
        var bytes = new byte[HeaderLength + payload + ChecksumLength];
        var w = new SpanWriter(bytes);
        w.Bytes(Magic);
        w.UInt32(FormatVersion);
        w.Int64(payload);
        w.Int32(state.CompletedEpochs);
        w.Int64(state.Step);
        w.Int64(state.Elapsed.Ticks);
        w.Byte(state.StoppedEarly ? (byte)1 : (byte)0);
        w.Int32(state.History.Count);
        foreach (var m in state.History)
        {
            w.Int32(m.Epoch);
            w.Int64(m.Step);
            w.Single(m.TrainLoss);
            w.OptionalSingle(m.TrainAccuracy);
            w.OptionalSingle(m.ValidationLoss);
            w.OptionalSingle(m.ValidationAccuracy);
            w.Single(m.LearningRate);
            w.Int64(m.Elapsed.Ticks);
        }
        w.Byte(state.EarlyStopping is null ? (byte)0 : (byte)1);
        if (state.EarlyStopping is { } es)
        {
            w.Single(es.BestLoss);
            w.Int32(es.BestEpoch);
            w.Int32(es.EpochsWithoutImprovement);
            w.Int64(best?.Length ?? -1);
            if (best is not null)
            {
                w.Bytes(best);
            }
        }
        w.Int64(model.Length);
        w.Bytes(model);
        SHA256.HashData(bytes.AsSpan(0, HeaderLength + (int)payload), bytes.AsSpan(HeaderLength + (int)payload));
        return bytes;
    }

    /// <summary>Decodes a training state; throws a <see cref="CheckpointException"/> subclass saying what is wrong with the bytes.</summary>
    public static TrainingState Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength + ChecksumLength)
        {
            throw new CheckpointTruncatedException(null, bytes.Length, HeaderLength + ChecksumLength, "the header and checksum alone");
        }
        if (!bytes[..8].SequenceEqual(Magic))
        {
            throw new CheckpointFormatException(null, Convert.ToHexString(bytes[..8]), "\"DRPTTRST\"");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
        {
            throw new CheckpointVersionException(null, version, FormatVersion);
        }
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]);
        long available = bytes.Length - HeaderLength - ChecksumLength;
        if (declared != (ulong)available)
        {
            throw new CheckpointTruncatedException(null, bytes.Length, declared > int.MaxValue ? long.MaxValue : HeaderLength + (long)declared + ChecksumLength, "its declared payload");
        }
        Span<byte> hash = stackalloc byte[ChecksumLength];
        SHA256.HashData(bytes[..(HeaderLength + (int)available)], hash);
        if (!hash.SequenceEqual(bytes[(HeaderLength + (int)available)..]))
        {
            throw new CheckpointCorruptedException(null, "the training state's SHA-256 checksum does not match its contents.");
        }
        var r = new SpanReader(bytes.Slice(HeaderLength, (int)available));
        int completed = r.Int32();
        long step = r.Int64();
        var elapsed = TimeSpan.FromTicks(r.Int64());
        bool stopped = r.Bool();
        int count = r.Int32();
        if (count < 0 || (long)count * EpochBytes > r.Remaining)
        {
            throw new CheckpointCorruptedException(null, $"the history declares {count} epochs, more than the payload holds.");
        }
        var history = new EpochMetrics[count];
        for (int i = 0; i < count; i++)
        {
            history[i] = new EpochMetrics(r.Int32(), r.Int64(), r.Single(), r.OptionalSingle(), r.OptionalSingle(), r.OptionalSingle(), r.Single(), TimeSpan.FromTicks(r.Int64()));
        }
        EarlyStoppingState? earlyStopping = null;
        if (r.Bool())
        {
            float bestLoss = r.Single();
            int bestEpoch = r.Int32();
            int without = r.Int32();
            long bestLength = r.Int64();
            var best = bestLength < 0 ? null : CheckpointFile.Deserialize(r.Take(bestLength));
            earlyStopping = new EarlyStoppingState(bestLoss, bestEpoch, without, best);
        }
        var model = CheckpointFile.Deserialize(r.Take(r.Int64()));
        if (r.Remaining != 0)
        {
            throw new CheckpointCorruptedException(null, $"{r.Remaining} unexpected bytes after the model.");
        }
        return new TrainingState(model, completed, step, elapsed, history, earlyStopping, stopped);
    }

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;
        private int _position;

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_destination[_position..]);
            _position += value.Length;
        }

        public void Byte(byte value) => _destination[_position++] = value;

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_destination[_position..], value);
            _position += 4;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_destination[_position..], value);
            _position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_destination[_position..], value);
            _position += 8;
        }

        public void Single(float value) => Int32(BitConverter.SingleToInt32Bits(value));

        public void OptionalSingle(float? value)
        {
            Byte(value.HasValue ? (byte)1 : (byte)0);
            Single(value ?? 0f);
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> source)
    {
        private ReadOnlySpan<byte> _rest = source;

        public readonly int Remaining => _rest.Length;

        public ReadOnlySpan<byte> Take(long count)
        {
            if (count < 0 || count > _rest.Length)
            {
                throw new CheckpointCorruptedException(null, $"a field needs {count} bytes but {_rest.Length} remain.");
            }
            var taken = _rest[..(int)count];
            _rest = _rest[(int)count..];
            return taken;
        }

        public bool Bool() => Take(1)[0] switch
        {
            0 => false,
            1 => true,
            var b => throw new CheckpointCorruptedException(null, $"a flag is {b}, expected 0 or 1."),
        };

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public float Single() => BitConverter.Int32BitsToSingle(Int32());

        public float? OptionalSingle()
        {
            bool present = Bool();
            float value = Single();
            return present ? value : null;
        }
    }
}
