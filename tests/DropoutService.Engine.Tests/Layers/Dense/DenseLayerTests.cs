using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Layers.Dense;

public class DenseLayerTests
{
    public static TheoryData<string, int> Backends => new() { { "managed", 4 }, { "managed", 1 }, { "default", 4 }, { "default", 1 } };

    private static IBlas Backend(string name) => name == "managed" ? Blas.Managed : Blas.Default;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Backward_MatchesCentralDifferences(string backend, int batch)
    {
        var weight = GradientChecker.Random(7, 5, seed: 1, scale: 0.5f);
        var bias = GradientChecker.Random(1, 5, seed: 2);
        var layer = TestLayers.Dense(weight, bias, Backend(backend));
        var input = GradientChecker.Random(batch, 7, seed: 3);
        GradientChecker.CheckLayer(layer, input, ForwardPass.Eval, seed: 4);
    }

    [Fact]
    public void Forward_ComputesInputTimesWeightPlusBias()
    {
        // x (2, 3) · W (3, 2) + b
        var w = Tensor.FromSpan(3, 2, [1, 2, 3, 4, 5, 6]);
        var b = Tensor.FromSpan(1, 2, [0.5f, -1f]);
        var layer = TestLayers.Dense(w, b, Blas.Default);
        var y = layer.Forward(Tensor.FromSpan(2, 3, [1, 0, 2, 0, 1, -1]), ForwardPass.Eval);
        Assert.Equal([1 + 10 + 0.5f, 2 + 12 - 1f, 3 - 5 + 0.5f, 4 - 6 - 1f], y.ToArray());
    }

    [Fact]
    public void Forward_BatchOfOneEqualsRowOfBatch()
    {
        // The batch-1 path (GEMV) must agree with the batched path (GEMM).
        var layer = TestLayers.Dense(GradientChecker.Random(64, 33, 5), GradientChecker.Random(1, 33, 6), Blas.Default);
        var batch = GradientChecker.Random(3, 64, 7);
        var all = layer.Forward(batch, ForwardPass.Eval).ToArray();
        var one = layer.Forward(Tensor.FromSpan(1, 64, batch.Row(1)), ForwardPass.Eval).ToArray();
        for (int c = 0; c < 33; c++)
        {
            Assert.Equal(all[33 + c], one[c], 4);
        }
    }

    [Fact]
    public void BackwardParametersOnly_GivesSameParameterGradients()
    {
        var layer = TestLayers.Dense(GradientChecker.Random(6, 4, 8), GradientChecker.Random(1, 4, 9), Blas.Default);
        var input = GradientChecker.Random(5, 6, 10);
        var upstream = GradientChecker.Random(5, 4, 11);
        layer.Forward(input, ForwardPass.Eval);
        layer.Backward(upstream);
        var w = layer.Weight.Gradient.ToArray();
        var b = layer.Bias.Gradient.ToArray();
        layer.Weight.Gradient.Span.Clear();
        layer.Bias.Gradient.Span.Clear();
        layer.BackwardParametersOnly(upstream);
        Assert.Equal(w, layer.Weight.Gradient.ToArray());
        Assert.Equal(b, layer.Bias.Gradient.ToArray());
    }
}
