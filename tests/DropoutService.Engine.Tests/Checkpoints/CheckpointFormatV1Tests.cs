using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// The frozen format-1 reader, on payloads written byte by byte from the format-1 section of
/// docs/checkpoint-format.md (nothing writes format 1 any more; testdata/checkpoints/v1 holds real files).
/// </summary>
public class CheckpointFormatV1Tests
{
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
    public void Deserialize_HugeParameterShapeWithValidChecksum_ThrowsCorruptedWithoutAllocating()
    {
        // A 4096 x 4096 weight (64 MiB) is consistent with this spec, but no data follows.
        var file = new PayloadBuilder()
            .SpecHeader(inputSize: 4096, loss: 0, seed: 1, layerCount: 1)
            .Layer(kind: 0, units: 4096)
            .Int32(2)
            .String("dense0.weight").Int32(4096).Int32(4096).Singles(1f, 2f, 3f)
            .Framed();

        var e = CheckpointSamples.AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

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

        var e = CheckpointSamples.AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

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
        var e = CheckpointSamples.AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

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
}
