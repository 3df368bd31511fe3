using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Layers.Dropout;

// A batch stacked from requests with their own seeds (ForwardPass.Blocks): each request's rows get
// exactly the masks that request gets alone, in forward and backward.
public class DropoutMaskBlockTests
{
    private const int Columns = 300;

    [Theory]
    [InlineData(ForwardMode.McDropout)]
    [InlineData(ForwardMode.Train)]
    public void Forward_StackedRequests_EachBlockEqualsItsRequestAlone(ForwardMode mode)
    {
        // Rows chosen so blocks start off word boundaries (3 x 300 = 900 elements is not a multiple of 64)
        // and the stack is big enough for the runner's parallel path (> 2^17 elements).
        (int Rows, ulong Seed)[] requests = [(3, 11), (1, 12), (500, 11), (50, 99)];
        var inputs = requests.Select((r, i) => RandomTensor(r.Rows, Columns, 100 + i)).ToArray();
        var stacked = Stack(inputs);
        var blocks = requests.Select(r => new MaskBlock(r.Rows, r.Seed)).ToArray();
        var layer = NewLayer(2, 0.4f);

        var output = layer.Forward(stacked, new ForwardPass(mode, Seed: 12345, Step: 6) { Blocks = blocks }).ToArray();

        int row = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = NewLayer(2, 0.4f).Forward(inputs[i], new ForwardPass(mode, requests[i].Seed, 6)).ToArray();
            Assert.Equal(alone, output.AsSpan(row * Columns, requests[i].Rows * Columns).ToArray());
            row += requests[i].Rows;
        }
    }

    [Fact]
    public void Forward_BlockWithFirstRow_EqualsThoseRowsOfTheWholeRequest()
    {
        var whole = RandomTensor(20, Columns, 7);
        var layer = NewLayer(1, 0.5f);
        var expected = layer.Forward(whole, new ForwardPass(ForwardMode.McDropout, 5, 2)).ToArray();
        var part = Tensor.FromSpan(6, Columns, whole.Span.Slice(9 * Columns, 6 * Columns));

        var actual = NewLayer(1, 0.5f).Forward(part, new ForwardPass(ForwardMode.McDropout, 0, 2) { Blocks = new[] { new MaskBlock(6, 5, FirstRow: 9) } });

        Assert.Equal(expected.AsSpan(9 * Columns, 6 * Columns).ToArray(), actual.ToArray());
    }

    [Fact]
    public void Backward_AfterBlockForward_AppliesEachRequestsMask()
    {
        var stacked = RandomTensor(7, Columns, 3);
        var gradient = RandomTensor(7, Columns, 4);
        var blocks = new[] { new MaskBlock(4, 21), new MaskBlock(3, 22) };
        var layer = NewLayer(0, 0.3f);
        layer.Forward(stacked, new ForwardPass(ForwardMode.Train) { Blocks = blocks });

        var dx = layer.Backward(gradient).ToArray();

        for (int b = 0, row = 0; b < blocks.Length; row += blocks[b].Rows, b++)
        {
            var alone = NewLayer(0, 0.3f);
            alone.Forward(Tensor.FromSpan(blocks[b].Rows, Columns, stacked.Span.Slice(row * Columns, blocks[b].Rows * Columns)), new ForwardPass(ForwardMode.Train, blocks[b].Seed));
            var expected = alone.Backward(Tensor.FromSpan(blocks[b].Rows, Columns, gradient.Span.Slice(row * Columns, blocks[b].Rows * Columns))).ToArray();
            Assert.Equal(expected, dx.AsSpan(row * Columns, blocks[b].Rows * Columns).ToArray());
        }
    }

    [Theory]
    [InlineData(new[] { 2, 2 })]
    [InlineData(new[] { 3, 3 })]
    [InlineData(new[] { 5, 0 })]
    public void Forward_BlocksNotCoveringTheRows_ThrowArgumentException(int[] rows)
    {
        var layer = NewLayer(0, 0.5f);
        var blocks = rows.Select(r => new MaskBlock(r, 1)).ToArray();

        Assert.Throws<ArgumentException>(() => layer.Forward(RandomTensor(5, Columns, 1), new ForwardPass(ForwardMode.McDropout) { Blocks = blocks }));
    }

    [Fact]
    public void Forward_EvalModeWithBlocks_IsIdentity()
    {
        var input = RandomTensor(4, Columns, 9);
        var layer = NewLayer(0, 0.5f);

        Assert.Same(input, layer.Forward(input, new ForwardPass(ForwardMode.Eval) { Blocks = new[] { new MaskBlock(4, 1) } }));
    }

    private static DropoutLayer NewLayer(int index, float rate) =>
        (DropoutLayer)LayerSpec.Dropout(rate).CreateLayer(new TensorShape(Columns), index);

    private static Tensor Stack(Tensor[] parts)
    {
        var result = new Tensor(parts.Sum(p => p.Rows), Columns);
        int at = 0;
        foreach (var p in parts)
        {
            p.Span.CopyTo(result.Span[at..]);
            at += p.Length;
        }
        return result;
    }

    private static Tensor RandomTensor(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var t = new Tensor(rows, columns);
        var span = t.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return t;
    }
}
