using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Tensors;

public class TensorShapeTests
{
    [Fact]
    public void Constructor_KeepsDimensions_LengthIsTheProduct()
    {
        var shape = new TensorShape(2, 3, 4, 5);

        Assert.Equal(4, shape.Rank);
        Assert.Equal(120, shape.Length);
        Assert.Equal([2, 3, 4, 5], shape.ToArray());
        Assert.Equal(4, shape[2]);
        Assert.Equal("[2, 3, 4, 5]", shape.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => shape[4]);
    }

    [Fact]
    public void Default_IsRankZeroOfOneElement()
    {
        Assert.Equal((0, 1), (default(TensorShape).Rank, default(TensorShape).Length));
        Assert.Equal(default, new TensorShape());
    }

    [Theory]
    [InlineData(new[] { 2, -1 })]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })]
    [InlineData(new[] { 65536, 65536 })]        // 2^32 elements
    [InlineData(new[] { 0, 65536, 65536 })]     // empty, but a row would not fit an int
    public void Constructor_InvalidOrTooLarge_Throws(int[] dims)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorShape(dims));
    }

    [Fact]
    public void Constructor_LargestAllocatable_Accepted()
    {
        Assert.Equal(Array.MaxLength, new TensorShape(Array.MaxLength).Length);
        Assert.Equal(0, new TensorShape(0, Array.MaxLength).Length);
    }

    [Fact]
    public void EqualityAndHash_ByRankAndDimensions()
    {
        Assert.Equal(new TensorShape(2, 3), new TensorShape(2, 3));
        Assert.True(new TensorShape(2, 3) == new TensorShape(2, 3));
        Assert.True(new TensorShape(2, 3) != new TensorShape(3, 2));
        Assert.NotEqual(new TensorShape(6), new TensorShape(6, 1));
        Assert.Equal(new TensorShape(7, 1).GetHashCode(), new TensorShape(7, 1).GetHashCode());
    }

    [Fact]
    public void WithBatch_Sample_IsBatchOf()
    {
        var sample = new TensorShape(3, 8, 8);

        var batch = sample.WithBatch(16);

        Assert.Equal(new TensorShape(16, 3, 8, 8), batch);
        Assert.Equal(sample, batch.Sample);
        Assert.True(batch.IsBatchOf(sample));
        Assert.False(batch.IsBatchOf(new TensorShape(3, 8, 7)));
        Assert.False(new TensorShape(16, 192).IsBatchOf(sample));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TensorShape(1, 1, 1, 1, 1, 1, 1, 1).WithBatch(2));
        Assert.Throws<InvalidOperationException>(() => default(TensorShape).Sample);
    }

    [Fact]
    public void WithBatch_AllocatesNothing()
    {
        var sample = new TensorShape(3, 8, 8);
        _ = sample.WithBatch(1).IsBatchOf(sample); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();

        bool all = true;
        for (int i = 0; i < 1000; i++)
        {
            all &= sample.WithBatch(i).IsBatchOf(sample) && sample.WithBatch(i).Sample == sample;
        }

        Assert.True(all);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void CheckedLength_SaturatesInsteadOfOverflowing()
    {
        Assert.Equal(long.MaxValue, TensorShape.CheckedLength([1L << 40, 1L << 40]));
        Assert.Equal(0, TensorShape.CheckedLength([1L << 40, 1L << 40, 0]));
        Assert.Equal(24, TensorShape.CheckedLength([2, 3, 4]));
        Assert.Null(TensorShape.CheckedLength([2, -3]));
    }
}
