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
}
