using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void Reshape_ToSmallerThenBack_ReusesBuffer()
    {
        var t = new Tensor(4, 8);
        var before = t.Memory;
        t.Reshape(2, 3);
        Assert.Equal(new TensorShape(2, 3), t.Shape);
        t.Reshape(4, 8);
        Assert.True(before.Span == t.Memory.Span || before.Span.Overlaps(t.Memory.Span));
    }

    [Fact]
    public void Indexer_RowMajorLayout()
    {
        var t = Tensor.FromSpan(2, 3, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(6f, t[1, 2]);
        Assert.Equal([4f, 5f, 6f], t.Row(1).ToArray());
        Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
    }

    [Fact]
    public void FromSpan_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => Tensor.FromSpan(2, 3, [1, 2, 3]));
    }

    [Fact]
    public void RankFour_MatrixViewIsBatchByFlattenedSample()
    {
        var t = Tensor.FromSpan(new TensorShape(2, 3, 2, 2), [.. Enumerable.Range(0, 24).Select(i => (float)i)]);

        Assert.Equal((4, 2, 12, 24), (t.Rank, t.Rows, t.Columns, t.Length));
        Assert.Equal([12f, 13f, 14f], t.Row(1)[..3].ToArray());
        Assert.Equal(23f, t[1, 11]);
        Assert.Throws<IndexOutOfRangeException>(() => t[1, 12]);
    }

    [Fact]
    public void RankOne_IsOneColumnPerRow()
    {
        var t = new Tensor(new TensorShape(5));
        Assert.Equal((5, 1), (t.Rows, t.Columns));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor(default(TensorShape)));
    }

    [Fact]
    public void Ensure_BatchOfSample_ReusesTheBufferAndAllocatesNothingInSteadyState()
    {
        var sample = new TensorShape(3, 4, 4);
        Tensor? t = null;
        var first = Tensor.Ensure(ref t, 8, sample);
        Tensor.Ensure(ref t, 5, sample);
        Tensor.Ensure(ref t, 8, sample);
        long before = GC.GetAllocatedBytesForCurrentThread();

        for (int i = 0; i < 100; i++)
        {
            Tensor.Ensure(ref t, 8 - (i % 4), sample);
            Tensor.Ensure(ref t, new TensorShape(4, 48));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Same(first, t);
        Assert.Equal(new TensorShape(4, 48), t!.Shape);
    }

    [Fact]
    public void EnsureView_SharesTheBuffer_FollowsTheSource()
    {
        var source = Tensor.FromSpan(2, 6, [.. Enumerable.Range(0, 12).Select(i => (float)i)]);
        Tensor? view = null;

        var v = Tensor.EnsureView(ref view, source, new TensorShape(2, 3, 2));
        v[1, 5] = -1f;

        Assert.Equal(new TensorShape(2, 3, 2), v.Shape);
        Assert.Equal(-1f, source[1, 5]);
        var other = Tensor.FromSpan(1, 6, [9, 9, 9, 9, 9, 9]);
        Assert.Same(v, Tensor.EnsureView(ref view, other, new TensorShape(1, 2, 3)));
        Assert.Equal(9f, v[0, 0]);
        Assert.Throws<ArgumentException>(() => Tensor.EnsureView(ref view, other, new TensorShape(1, 7)));
    }

    [Fact]
    public void CopyTo_SameLengthOtherShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Tensor(2, 6).CopyTo(new Tensor(new TensorShape(2, 3, 2))));
    }
}
