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
    public void Deserialize_HandWrittenPayload_DecodesAsDocumented()
    {
        // Arrange: a tiny regression model written field by field from the format document.
        var file = new PayloadBuilder()
            .SpecHeader(inputSize: 2, loss: 1, seed: 99, layerCount: 2)
            .Layer(kind: 0, units: 1, init: 1)
            .Layer(kind: 5, rate: 0.25f)
            .Int32(2)
            .String("dense0.weight").Int32(2).Int32(1).Singles(1.5f, -2f)
            .String("dense0.bias").Int32(1).Int32(1).Singles(0.25f)
            .Byte(1).Int32(1).Int64(7).Int32(1).String("dense0.weight/velocity").Int32(2).Singles(3f, 4f)
            .Int32(3).Int64(70).Byte(1).Single(0.5f).Byte(0).Byte(0).Int64(1234).Int32(1).String("k").String("v")
            .Framed();

        var c = CheckpointFile.Deserialize(file);

        Assert.Equal(new ModelSpec { InputSize = 2, Loss = Engine.Losses.LossKind.MeanSquaredError, Seed = 99, Layers = [LayerSpec.Dense(1, WeightInit.Xavier), LayerSpec.Dropout(0.25f)] }, c.Spec);
        Assert.Equal([1.5f, -2f], c.Parameters["dense0.weight"].ToArray());
        Assert.Equal([0.25f], c.Parameters["dense0.bias"].ToArray());
        Assert.Equal(Engine.Optimizers.OptimizerKind.Momentum, c.Optimizer!.Kind);
        Assert.Equal(7, c.Optimizer.StepCount);
        Assert.Equal([3f, 4f], c.Optimizer.Buffers["dense0.weight/velocity"]);
        Assert.Equal(new TrainingMetadata { Epochs = 3, Steps = 70, TrainLoss = 0.5f, CreatedUnixMs = 1234, Labels = new Dictionary<string, string> { ["k"] = "v" } }, c.Metadata);
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
    public void Deserialize_HugeParameterShapeWithValidChecksum_ThrowsCorruptedWithoutAllocating()
    {
        // A 4096 x 4096 weight (64 MiB) is consistent with this spec, but no data follows.
        var file = new PayloadBuilder()
            .SpecHeader(inputSize: 4096, loss: 0, seed: 1, layerCount: 1)
            .Layer(kind: 0, units: 4096)
            .Int32(2)
            .String("dense0.weight").Int32(4096).Int32(4096).Singles(1f, 2f, 3f)
            .Framed();

        var e = AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

        Assert.Contains("dense0.weight", e.Message);
    }

    [Fact]
    public void Deserialize_HugeOptimizerBufferLengthWithValidChecksum_ThrowsCorruptedWithoutAllocating()
    {
        var file = new PayloadBuilder()
            .SpecHeader(inputSize: 1, loss: 1, seed: 1, layerCount: 1)
            .Layer(kind: 0, units: 1)
            .Int32(2)
            .String("dense0.weight").Int32(1).Int32(1).Singles(1f)
            .String("dense0.bias").Int32(1).Int32(1).Singles(0f)
            .Byte(1).Int32(4).Int64(1).Int32(1).String("dense0.weight/m").Int32(16 * 1024 * 1024).Singles(1f)
            .Int32(0).Int64(0).Byte(0).Byte(0).Byte(0).Int64(0).Int32(0)
            .Framed();

        var e = AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

        Assert.Contains("dense0.weight/m", e.Message);
    }

    public static TheoryData<string, byte[]> HugeCounts => new()
    {
        { "spec.layers.count", new PayloadBuilder().SpecHeader(4, 0, 1, int.MaxValue).Layer(0, 2).Framed() },
        {
            "metadata.labels.count",
            new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2)
                .String("dense0.weight").Int32(1).Int32(1).Singles(1f).String("dense0.bias").Int32(1).Int32(1).Singles(0f)
                .Byte(0).Int32(0).Int64(0).Byte(0).Byte(0).Byte(0).Int64(0).Int32(int.MaxValue).String("a").String("b").Framed()
        },
        {
            "optimizer.buffers.count",
            new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2)
                .String("dense0.weight").Int32(1).Int32(1).Singles(1f).String("dense0.bias").Int32(1).Int32(1).Singles(0f)
                .Byte(1).Int32(0).Int64(0).Int32(1_000_000).Framed()
        },
        { "parameters[0].name has length", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2).Int32(int.MaxValue).Framed() },
        { "parameters[0].name has length", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2).Int32(-5).Framed() },
    };

    [Theory]
    [MemberData(nameof(HugeCounts))]
    public void Deserialize_HugeOrNegativeCountWithValidChecksum_ThrowsCorruptedNamingField(string field, byte[] file)
    {
        var e = AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

        Assert.Contains(field, e.Message);
    }

    public static TheoryData<string, byte[]> Inconsistent => new()
    {
        { "spec.loss", new PayloadBuilder().SpecHeader(1, 9, 1, 1).Layer(0, 1).Framed() },
        { "spec.layers[0].kind", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(77, 1).Framed() },
        { "spec.layers[0].init", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1, init: 3).Framed() },
        { "layers[1].dropout.rate", new PayloadBuilder().SpecHeader(1, 1, 1, 2).Layer(0, 1).Layer(5, rate: 1.5f).Framed() },
        { "input_size", new PayloadBuilder().SpecHeader(0, 1, 1, 1).Layer(0, 1).Framed() },
        { "its spec implies 2", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(3).Framed() },
        { "the spec implies 'dense0.weight'", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2).String("dense0.bias").Framed() },
        { "the spec implies (1, 1)", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2).String("dense0.weight").Int32(1).Int32(2).Singles(1f, 2f).Framed() },
        { "optimizer.present", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2)
            .String("dense0.weight").Int32(1).Int32(1).Singles(1f).String("dense0.bias").Int32(1).Int32(1).Singles(0f).Byte(2).Framed() },
        { "unexpected bytes", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2)
            .String("dense0.weight").Int32(1).Int32(1).Singles(1f).String("dense0.bias").Int32(1).Int32(1).Singles(0f).EmptyTail().Byte(0).Framed() },
        { "appears twice", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2)
            .String("dense0.weight").Int32(1).Int32(1).Singles(1f).String("dense0.bias").Int32(1).Int32(1).Singles(0f)
            .Byte(0).Int32(0).Int64(0).Byte(0).Byte(0).Byte(0).Int64(0).Int32(2).String("a").String("1").String("a").String("2").Framed() },
        { "not valid UTF-8", new PayloadBuilder().SpecHeader(1, 1, 1, 1).Layer(0, 1).Int32(2).Int32(2).Byte(0xC3).Byte(0x28).Framed() },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void Deserialize_InconsistentPayloadWithValidChecksum_ThrowsCorrupted(string expectedInMessage, byte[] file)
    {
        var e = Assert.Throws<CheckpointCorruptedException>(() => CheckpointFile.Deserialize(file));

        Assert.Contains(expectedInMessage, e.Message);
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

    private static T AssertThrowsWithoutLargeAllocation<T>(byte[] file)
        where T : Exception
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<T>(() => CheckpointFile.Deserialize(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Decoding the small valid prefix and building the exception takes a few KiB; the declared
        // arrays are 64 MiB or more.
        Assert.True(allocated < 1024 * 1024, $"Decoding allocated {allocated} bytes.");
        return e;
    }
}
