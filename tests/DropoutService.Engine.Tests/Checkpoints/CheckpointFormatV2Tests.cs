using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport.RunningMean;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// Format 2 against payloads written byte by byte from docs/checkpoint-format.md: what a valid file
/// decodes to, and that every inconsistency a crafted (correctly checksummed) file can hold is a
/// precise <see cref="CheckpointException"/> before anything large is allocated.
/// </summary>
public class CheckpointFormatV2Tests
{
    private static PayloadBuilder Tail(PayloadBuilder b) => b.EmptyTail();

    [Fact]
    public void Deserialize_HandWrittenPayload_DecodesAsDocumented()
    {
        // Arrange: input shape [2, 1]; dense (1 unit, Xavier); the test type with buffers; dropout 0.25.
        var file = new PayloadBuilder()
            .ModelHeader(seed: 99, loss: 1, inputShape: [2, 1], layerCount: 3)
            .LayerRecord(1, b => b
                .Settings(s => s.Int32(1).Int32(1))
                .Int32(2).Tensor("weight", [2, 1], 1.5f, -2f).Tensor("bias", [1, 1], 0.25f)
                .Int32(0))
            .LayerRecord(10001, b => b
                .Settings(s => s.Single(0.5f).Single(0.75f))
                .Int32(0)
                .Int32(2).Tensor("running_mean", [1], 3f).Tensor("batches_tracked", [1], 7f))
            .LayerRecord(6, b => b.Settings(s => s.Single(0.25f)).Int32(0).Int32(0))
            .Byte(1).Int32(1).Int64(7).Int32(1).String("dense0.weight/velocity").Int32(2).Singles(3f, 4f)
            .Int32(3).Int64(70).Byte(1).Single(0.5f).Byte(0).Byte(0).Int64(1234).Int32(1).String("k").String("v")
            .Framed(version: 2);

        // Act
        var c = CheckpointFile.Deserialize(file);

        // Assert
        var expected = new ModelSpec
        {
            InputShape = new TensorShape(2, 1), Loss = LossKind.MeanSquaredError, Seed = 99,
            Layers = [new DenseSpec(1, WeightInit.Xavier), new RunningMeanSpec(0.5f, 0.75f), new DropoutSpec(0.25f)],
        };
        Assert.Equal(expected, c.Spec);
        Assert.Equal(new TensorShape(2, 1), c.Parameters["dense0.weight"].Shape);
        Assert.Equal([1.5f, -2f], c.Parameters["dense0.weight"].ToArray());
        Assert.Equal([0.25f], c.Parameters["dense0.bias"].ToArray());
        Assert.Equal([3f], c.Buffers["running_mean_test1.running_mean"].ToArray());
        Assert.Equal([7f], c.Buffers["running_mean_test1.batches_tracked"].ToArray());
        Assert.Equal([3f, 4f], c.Optimizer!.Buffers["dense0.weight/velocity"]);
        Assert.Equal(new TrainingMetadata { Epochs = 3, Steps = 70, TrainLoss = 0.5f, CreatedUnixMs = 1234, Labels = new Dictionary<string, string> { ["k"] = "v" } }, c.Metadata);
        Assert.Equal(file, CheckpointFile.Serialize(c)); // the writer writes exactly the documented bytes
    }

    [Fact]
    public void Deserialize_UnknownLayerTag_ThrowsUnknownLayerTypeNamingTagAndLayer()
    {
        var file = Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 2).DenseRecord(2)
            .LayerRecord(77, b => b.Settings(s => s.Int32(5)).Int32(0).Int32(0))).Framed(version: 2);

        var e = Assert.Throws<CheckpointUnknownLayerTypeException>(() => CheckpointFile.Deserialize(file));

        Assert.Equal((1, 77), (e.LayerIndex, e.Tag));
        Assert.Contains("newer build", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    public static TheoryData<string, byte[]> Inconsistent => new()
    {
        { "spec.input_shape.rank is 0", Tail(new PayloadBuilder().ModelHeader(1, 1, [], 1).DenseRecord(1)).Framed(2) },
        { "spec.input_shape.rank is 8", Tail(new PayloadBuilder().ModelHeader(1, 1, [1, 1, 1, 1, 1, 1, 1, 1], 1).DenseRecord(1)).Framed(2) },
        { "spec.input_shape[1] is 0", Tail(new PayloadBuilder().ModelHeader(1, 1, [2, 0], 1).DenseRecord(1)).Framed(2) },
        { "spec.input_shape is too large", Tail(new PayloadBuilder().ModelHeader(1, 1, [65536, 65536], 1).DenseRecord(1)).Framed(2) },
        { "spec.loss", Tail(new PayloadBuilder().ModelHeader(1, 9, [2], 1).DenseRecord(2)).Framed(2) },
        { "layers[0] (dense) record needs 999 bytes", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).Int32(1).Int32(999).Int32(8)).Framed(2) },
        { "unexpected bytes after the buffers of layers[0] (dense)", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(2).Tensor("weight", [2, 1], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0).Int32(42))).Framed(2) },
        { "the settings of layers[0].dense have 4 unexpected bytes", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1).Int32(0)).Int32(2).Tensor("weight", [2, 1], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0))).Framed(2) },
        { "layers[0].dense.init needs 4 bytes", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1)).Int32(2).Tensor("weight", [2, 1], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0))).Framed(2) },
        { "layers[0].dense.init is 5, not a known WeightInit", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(5)).Int32(2).Tensor("weight", [2, 1], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0))).Framed(2) },
        { "the spec is invalid at layers[0].dense.units", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(0).Int32(1)).Int32(0).Int32(0))).Framed(2) },
        { "layers[0].dense has 3 parameters, its spec implies 2", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(3))).Framed(2) },
        { "named 'bias', the spec implies 'weight'", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(2).Tensor("bias", [1, 1], 0f).Tensor("weight", [2, 1], 1f, 2f).Int32(0))).Framed(2) },
        { "parameter dense0.weight has shape [1, 2], the spec implies [2, 1]", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(2).Tensor("weight", [1, 2], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0))).Framed(2) },
        { "parameter dense0.weight has shape [2], the spec implies [2, 1]", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(2).Tensor("weight", [2], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(0))).Framed(2) },
        { "layers[0].dense has 1 buffers, its spec implies 0", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(1).Int32(1)).Int32(2).Tensor("weight", [2, 1], 1f, 2f).Tensor("bias", [1, 1], 0f).Int32(1).Tensor("x", [1], 0f))).Framed(2) },
        { "the spec is invalid at layers: A model needs at least one layer with trainable parameters", Tail(new PayloadBuilder().ModelHeader(1, 1, [2], 1)
            .LayerRecord(2, b => b.Settings(_ => { }).Int32(0).Int32(0))).Framed(2) },
        { "unexpected bytes after the metadata", new PayloadBuilder().ModelHeader(1, 1, [2], 1).DenseRecord(2).EmptyTail().Byte(0).Framed(2) },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void Deserialize_InconsistentPayloadWithValidChecksum_ThrowsCorrupted(string expectedInMessage, byte[] file)
    {
        var e = Assert.Throws<CheckpointCorruptedException>(() => CheckpointFile.Deserialize(file));

        Assert.Contains(expectedInMessage, e.Message);
    }

    public static TheoryData<string, byte[]> Huge => new()
    {
        { "spec.layers.count", new PayloadBuilder().ModelHeader(1, 1, [2], int.MaxValue).DenseRecord(2).Framed(2) },
        { "parameter dense0.weight", new PayloadBuilder().ModelHeader(1, 1, [4096], 1).LayerRecord(1, b => b
            .Settings(s => s.Int32(4096).Int32(0)).Int32(2).String("weight").Byte(2).Int32(4096).Int32(4096).Singles(1f, 2f)).Framed(2) },
        { "layers[0] (dense) record", new PayloadBuilder().ModelHeader(1, 1, [2], 1).Int32(1).Int32(int.MaxValue).Int32(0).Framed(2) },
        { "layers[0].dense settings", new PayloadBuilder().ModelHeader(1, 1, [2], 1).LayerRecord(1, b => b.Int32(int.MaxValue).Int32(1)).Framed(2) },
        { "buffer running_mean_test1.running_mean", new PayloadBuilder().ModelHeader(1, 1, [2], 2).DenseRecord(2).LayerRecord(10001, b => b
            .Settings(s => s.Single(0.5f).Single(0f)).Int32(0).Int32(2).String("running_mean").Byte(1).Int32(1)).Framed(2) },
    };

    [Theory]
    [MemberData(nameof(Huge))]
    public void Deserialize_HugeCountOrLengthWithValidChecksum_ThrowsCorruptedWithoutAllocating(string field, byte[] file)
    {
        var e = CheckpointSamples.AssertThrowsWithoutLargeAllocation<CheckpointCorruptedException>(file);

        Assert.Contains(field, e.Message);
    }
}
