using System.Buffers.Binary;
using System.Security.Cryptography;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Checkpoints;

public partial class CheckpointFileTests
{
    private const int Header = CheckpointFile.HeaderLength;

    [Fact]
    public void SerializeDeserialize_FullCheckpoint_RoundTripsBitwise()
    {
        var original = CheckpointSamples.Direct();

        var restored = CheckpointFile.Deserialize(CheckpointFile.Serialize(original));

        CheckpointSamples.AssertEquivalent(original, restored);
        Assert.Equal(CheckpointSamples.ParameterShapes(original.Spec).Select(s => s.Name), restored.Parameters.Keys);
    }

    [Fact]
    public void SerializeDeserialize_NoOptimizerNoMetricsNoLabels_RoundTrips()
    {
        var original = CheckpointSamples.Direct(withOptimizer: false) with { Metadata = new TrainingMetadata { Epochs = 1 } };

        var restored = CheckpointFile.Deserialize(CheckpointFile.Serialize(original));

        CheckpointSamples.AssertEquivalent(original, restored);
        Assert.Null(restored.Metadata.TrainLoss);
        Assert.Empty(restored.Metadata.Labels);
    }

    [Fact]
    public void Serialize_StartsWithDocumentedHeaderAndEndsWithSha256()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());

        Assert.Equal("DRPTCKPT"u8.ToArray(), bytes[..8]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal((ulong)(bytes.Length - Header - 32), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Serialize_SameContentInDifferentDictionaryOrder_SameBytes()
    {
        var a = CheckpointSamples.Direct();
        var labels = a.Metadata.Labels.Reverse().ToDictionary();
        var buffers = a.Optimizer!.Buffers.Reverse().ToDictionary();
        var b = a with { Metadata = a.Metadata with { Labels = labels }, Optimizer = a.Optimizer with { Buffers = buffers } };

        Assert.Equal(CheckpointFile.Serialize(a), CheckpointFile.Serialize(b));
    }

    [Fact]
    public void Deserialize_TruncatedAtEveryOffset_ThrowsTruncated()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());

        // Every offset: the header, the whole payload and the checksum.
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<CheckpointTruncatedException>(() => CheckpointFile.Deserialize(bytes.AsSpan(0, length)));
            Assert.Equal(length, e.ActualLength);
            Assert.True(e.ExpectedLength > length, $"offset {length}: expected length {e.ExpectedLength}");
        }
    }

    [Fact]
    public void Deserialize_OneBitFlippedInPayloadOrChecksum_ThrowsCorrupted()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());

        for (int i = Header; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= (byte)(1 << (i % 8));
            var e = Assert.Throws<CheckpointCorruptedException>(() => CheckpointFile.Deserialize(copy));
            Assert.Contains("checksum", e.Message);
        }
    }

    [Fact]
    public void Deserialize_AnySingleBitFlipAnywhere_ThrowsCheckpointException()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct(withOptimizer: false));

        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.ThrowsAny<CheckpointException>(() => CheckpointFile.Deserialize(copy));
        }
    }

    [Fact]
    public void Deserialize_WrongMagic_ThrowsFormat()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());
        "PK\u0003\u0004ABCD"u8.CopyTo(bytes);

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Deserialize(bytes));

        Assert.Contains("504B0304", e.Message);
    }

    [Theory]
    [InlineData(3u)]
    [InlineData(uint.MaxValue)]
    [InlineData(0u)]
    public void Deserialize_UnsupportedVersionWithValidChecksum_ThrowsVersion(uint version)
    {
        var file = CheckpointFile.Serialize(CheckpointSamples.Direct());
        file = CheckpointFile.Frame(file, version);
        Assert.Equal(version, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));

        var e = Assert.Throws<CheckpointVersionException>(() => CheckpointFile.Deserialize(file));

        Assert.Equal(version, e.FoundVersion);
        Assert.Equal(2u, e.SupportedVersion);
        Assert.Contains(version.ToString(), e.Message);
    }

    [Fact]
    public void Deserialize_Version3_CheckedBeforeChecksum()
    {
        // A newer version may change anything after the version field, checksum included.
        var file = CheckpointFile.Serialize(CheckpointSamples.Direct());
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), 3);

        Assert.Throws<CheckpointVersionException>(() => CheckpointFile.Deserialize(file));
    }

    [Fact]
    public void Deserialize_DeclaredPayloadLongerThanFile_ThrowsTruncated()
    {
        var file = CheckpointFile.Serialize(CheckpointSamples.Direct());
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(12), ulong.MaxValue);

        var e = Assert.Throws<CheckpointTruncatedException>(() => CheckpointFile.Deserialize(file));

        Assert.Equal(long.MaxValue, e.ExpectedLength);
    }

    [Fact]
    public void Deserialize_BytesAfterChecksum_ThrowsCorrupted()
    {
        var file = CheckpointFile.Serialize(CheckpointSamples.Direct());

        Assert.Throws<CheckpointCorruptedException>(() => CheckpointFile.Deserialize([.. file, 0]));
    }

    [Fact]
    public void Serialize_ParameterShapeDoesNotMatchSpec_ThrowsArgumentException()
    {
        var c = CheckpointSamples.Direct();
        var parameters = c.Parameters.ToDictionary();
        parameters["dense0.bias"] = new Tensor(1, 7);

        Assert.Throws<ArgumentException>(() => CheckpointFile.Serialize(c with { Parameters = parameters }));
    }

    [Fact]
    public void Serialize_MissingParameter_ThrowsArgumentException()
    {
        var c = CheckpointSamples.Direct();
        var parameters = c.Parameters.ToDictionary();
        parameters.Remove("dense3.weight");
        parameters.Add("dense9.weight", new Tensor(8, 3));

        Assert.Throws<ArgumentException>(() => CheckpointFile.Serialize(c with { Parameters = parameters }));
    }

    [Fact]
    public void Serialize_LabelWithLoneSurrogate_ThrowsArgumentException()
    {
        var c = CheckpointSamples.Direct();
        var metadata = c.Metadata with { Labels = new Dictionary<string, string> { ["bad"] = "\uD800" } };

        Assert.Throws<ArgumentException>(() => CheckpointFile.Serialize(c with { Metadata = metadata }));
    }
}
