using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Layers;

public class ActivationGradientTests
{
    // Inputs avoid |x| < 0.05 so that no central difference (h = 0.01) straddles the ReLU kinks.
    public static TheoryData<string> Activations => ["relu", "leaky_relu", "sigmoid", "tanh"];

    private static ILayer Create(string kind, int size) => kind switch
    {
        "relu" => new ReluLayer(0, size),
        "leaky_relu" => new LeakyReluLayer(0, size, 0.1f),
        "sigmoid" => new SigmoidLayer(0, size),
        "tanh" => new TanhLayer(0, size),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Backward_MatchesCentralDifferences(string kind)
    {
        var layer = Create(kind, 37);
        var input = GradientChecker.Random(5, 37, seed: 11, scale: 2f, avoidNearZero: 0.05f);
        GradientChecker.CheckLayer(layer, input, ForwardPass.Eval, seed: 12);
    }

    [Fact]
    public void Relu_Forward_ClampsNegativesOnly()
    {
        var y = new ReluLayer(0, 4).Forward(Tensor.FromSpan(1, 4, [-2f, -0f, 0.5f, 3f]), ForwardPass.Eval);
        Assert.Equal([0f, 0f, 0.5f, 3f], y.ToArray());
    }

    [Fact]
    public void LeakyRelu_Forward_ScalesNegativesBySlope()
    {
        var y = new LeakyReluLayer(0, 3, 0.2f).Forward(Tensor.FromSpan(1, 3, [-2f, 1f, 0f]), ForwardPass.Eval);
        Assert.Equal([-0.4f, 1f, 0f], y.ToArray());
    }

    [Fact]
    public void Sigmoid_Forward_HasPositiveExponentSign()
    {
        // The original numpy library computed 1/(1+e^x); sigmoid(2) must be > 0.5.
        var y = new SigmoidLayer(0, 2).Forward(Tensor.FromSpan(1, 2, [2f, -2f]), ForwardPass.Eval);
        Assert.Equal(1f / (1f + MathF.Exp(-2f)), y[0, 0], 6);
        Assert.Equal(1f / (1f + MathF.Exp(2f)), y[0, 1], 6);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Backward_WithoutForward_Throws(string kind)
    {
        var layer = Create(kind, 3);
        var e = Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(1, 3)));
        Assert.Contains("without a preceding Forward", e.Message);
    }

    [Fact]
    public void LeakyRelu_InvalidSlope_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReluLayer(0, 3, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReluLayer(0, 3, float.NaN));
    }

    [Fact]
    public void Dense_Backward_GradientShapeMismatch_Throws()
    {
        var dense = new DenseLayer(0, new Tensor(3, 2), new Tensor(1, 2), Blas.Managed);
        dense.Forward(new Tensor(4, 3), ForwardPass.Eval);
        Assert.Throws<ArgumentException>(() => dense.Backward(new Tensor(5, 2)));
    }
}
