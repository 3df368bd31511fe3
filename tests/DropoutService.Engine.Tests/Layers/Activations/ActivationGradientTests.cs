using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Layers.Activations;

public class ActivationGradientTests
{
    // Inputs avoid |x| < 0.05 so that no central difference (h = 0.01) straddles the ReLU kinks.
    public static TheoryData<string> Activations => ["relu", "leaky_relu", "sigmoid", "tanh"];

    private static ILayer Create(string kind, params int[] shape) => kind switch
    {
        "relu" => TestLayers.Create<ReluLayer>(LayerSpec.Relu(), 0, shape),
        "leaky_relu" => TestLayers.Create<LeakyReluLayer>(LayerSpec.LeakyRelu(0.1f), 0, shape),
        "sigmoid" => TestLayers.Create<SigmoidLayer>(LayerSpec.Sigmoid(), 0, shape),
        "tanh" => TestLayers.Create<TanhLayer>(LayerSpec.Tanh(), 0, shape),
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
        var y = Create("relu", 4).Forward(Tensor.FromSpan(1, 4, [-2f, -0f, 0.5f, 3f]), ForwardPass.Eval);
        Assert.Equal([0f, 0f, 0.5f, 3f], y.ToArray());
    }

    [Fact]
    public void LeakyRelu_Forward_ScalesNegativesBySlope()
    {
        var y = TestLayers.Create<LeakyReluLayer>(LayerSpec.LeakyRelu(0.2f), 0, 3).Forward(Tensor.FromSpan(1, 3, [-2f, 1f, 0f]), ForwardPass.Eval);
        Assert.Equal([-0.4f, 1f, 0f], y.ToArray());
    }

    [Fact]
    public void Sigmoid_Forward_HasPositiveExponentSign()
    {
        // The original numpy library computed 1/(1+e^x); sigmoid(2) must be > 0.5.
        var y = Create("sigmoid", 2).Forward(Tensor.FromSpan(1, 2, [2f, -2f]), ForwardPass.Eval);
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
        Assert.Equal("layers[0].leaky_relu.slope", Assert.Throws<ModelSpecException>(() => LayerSpec.LeakyRelu(1.5f).CreateLayer(new TensorShape(3))).Field);
        Assert.Equal("layers[0].leaky_relu.slope", Assert.Throws<ModelSpecException>(() => LayerSpec.LeakyRelu(float.NaN).CreateLayer(new TensorShape(3))).Field);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void Forward_ImageShapedInput_KeepsShapeAndMatchesFlatInput(string kind)
    {
        // The elementwise kernels see the same row-major elements whatever the rank.
        var image = Create(kind, 2, 3, 4);
        var flat = Create(kind, 24);
        var x = GradientChecker.Random(5, 24, seed: 13);
        var shaped = Tensor.FromSpan(new TensorShape(5, 2, 3, 4), x.Span);

        var y = image.Forward(shaped, ForwardPass.Eval);

        Assert.Equal(new TensorShape(5, 2, 3, 4), y.Shape);
        Assert.Equal(flat.Forward(x, ForwardPass.Eval).ToArray(), y.ToArray());
        Assert.Equal(new TensorShape(5, 2, 3, 4), image.Backward(Tensor.FromSpan(y.Shape, x.Span)).Shape);
        Assert.Throws<ArgumentException>(() => image.Forward(x, ForwardPass.Eval)); // (5, 24) is not (5, 2, 3, 4)
    }

    [Fact]
    public void Dense_Backward_GradientShapeMismatch_Throws()
    {
        var dense = TestLayers.Dense(new Tensor(3, 2), new Tensor(1, 2), Blas.Managed);
        dense.Forward(new Tensor(4, 3), ForwardPass.Eval);
        Assert.Throws<ArgumentException>(() => dense.Backward(new Tensor(5, 2)));
    }
}
