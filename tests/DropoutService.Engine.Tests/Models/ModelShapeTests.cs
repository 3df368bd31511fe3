using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;
using DropoutService.Engine.Tests.TestSupport.Probe;

namespace DropoutService.Engine.Tests.Models;

public class ModelShapeTests
{
    // An "image" input (2 channels of 3x4) through shape-preserving layers, then dense (which reads each sample flat).
    private static readonly ModelSpec s_imageSpec = new()
    {
        InputShape = new TensorShape(2, 3, 4),
        Layers = [LayerSpec.LeakyRelu(0.1f), LayerSpec.Dropout(0.5f), LayerSpec.Tanh(), LayerSpec.Dense(5), LayerSpec.Relu(), LayerSpec.Dense(3)],
        Seed = 9,
    };

    [Fact]
    public void Layout_PropagatesShapes_DenseFlattens()
    {
        var layout = ModelLayout.For(s_imageSpec);

        Assert.Equal(new TensorShape(2, 3, 4), layout.InputShape);
        Assert.Equal(
            [new TensorShape(2, 3, 4), new TensorShape(2, 3, 4), new TensorShape(2, 3, 4), new TensorShape(5), new TensorShape(5), new TensorShape(3)],
            layout.Layers.Select(l => l.OutputShape));
        Assert.Equal(new TensorShape(24, 5), layout.Layers[3].Parameters[0].Shape);
        Assert.Equal(24 * 5 + 5 + 5 * 3 + 3, layout.ParameterCount);
        Assert.Equal(["leaky_relu0", "dropout1", "tanh2", "dense3", "relu4", "dense5"], layout.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Forward_ShapedAndFlatInputs_GiveBitwiseIdenticalOutputs()
    {
        var model = Model.Create(s_imageSpec);
        var flat = GradientChecker.Random(4, 24, seed: 1);
        var shaped = Tensor.FromSpan(new TensorShape(4, 2, 3, 4), flat.Span);
        var pass = new ForwardPass(ForwardMode.Train, 5, 2);

        var a = model.Forward(shaped, pass).ToArray();
        var b = model.Forward(flat, pass).ToArray();

        Assert.Equal(a, b);
        Assert.Equal(new TensorShape(4, 3), model.Forward(flat, pass).Shape);
        Assert.Equal(new TensorShape(4, 2, 3, 4), model.Backward(GradientChecker.Random(4, 3, 2)).Shape);
    }

    [Fact]
    public void Forward_Activations_AreShaped()
    {
        var model = Model.Create(s_imageSpec);
        var x = Tensor.FromSpan(new TensorShape(2, 2, 3, 4), GradientChecker.Random(2, 24, 3).Span);
        var shapes = new List<TensorShape>();

        var h = x;
        foreach (var layer in model.Layers)
        {
            h = layer.Forward(h, ForwardPass.Eval);
            shapes.Add(h.Shape);
        }

        Assert.Equal(new TensorShape(2, 2, 3, 4), shapes[0]);
        Assert.Equal(new TensorShape(2, 2, 3, 4), shapes[2]);
        Assert.Equal(new TensorShape(2, 5), shapes[3]);
        Assert.Equal(new TensorShape(2, 3), shapes[^1]);
    }

    [Theory]
    [InlineData(new[] { 4, 23 })]
    [InlineData(new[] { 4, 2, 12 })]
    [InlineData(new[] { 4, 3, 2, 4 })]
    [InlineData(new[] { 24 })]
    public void Forward_InputOfAnotherShape_Throws(int[] shape)
    {
        var model = Model.Create(s_imageSpec);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new Tensor(new TensorShape(shape))));
        Assert.Contains("(N, 2, 3, 4) or (N, 24)", e.Message);
    }

    [Fact]
    public void ModelSpec_InputSize_MeansInputShapeOfOneDimension()
    {
        var bySize = new ModelSpec { InputSize = 24, Layers = [LayerSpec.Dense(3)] };
        var byShape = new ModelSpec { InputShape = new TensorShape(24), Layers = [LayerSpec.Dense(3)] };
        var image = s_imageSpec;

        Assert.Equal(new TensorShape(24), bySize.InputShape);
        Assert.Equal(bySize, byShape);
        Assert.Equal(24, image.InputSize);
        Assert.Equal(24, Model.Create(image).InputSize);
        ModelSpecValidator.Validate(image with { InputSize = 24 }); // both set, consistently
    }

    [Theory]
    [InlineData(25, null, "input_size")]
    [InlineData(0, new int[0], "input_shape")]
    [InlineData(0, new[] { 2, 0, 4 }, "input_shape[1]")]
    [InlineData(0, new[] { 1, 1, 1, 1, 1, 1, 1, 1 }, "input_shape")]
    [InlineData(-3, null, "input_size")]
    public void Validate_BadInputShapeOrSize_NamesTheField(int inputSize, int[]? shape, string field)
    {
        var spec = shape is null
            ? new ModelSpec { InputShape = new TensorShape(2, 3, 4), InputSize = inputSize, Layers = [LayerSpec.Dense(2)] }
            : new ModelSpec { InputShape = new TensorShape(shape), InputSize = inputSize, Layers = [LayerSpec.Dense(2)] };
        if (inputSize < 0)
        {
            spec = new ModelSpec { InputSize = inputSize, Layers = [LayerSpec.Dense(2)] };
        }

        var e = Assert.Throws<ModelSpecException>(() => ModelSpecValidator.Validate(spec));

        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Forward_CancelledBetweenLayers_StopsBeforeTheNextLayer()
    {
        using var cancellation = new CancellationTokenSource();
        var ran = new List<int>();
        var spec = new ModelSpec
        {
            InputSize = 3,
            Layers = [new ProbeSpec(ran.Add), new ProbeSpec(i => { ran.Add(i); cancellation.Cancel(); }), new ProbeSpec(ran.Add), LayerSpec.Dense(2)],
        };
        var model = Model.Create(spec);

        Assert.Throws<OperationCanceledException>(() => model.Forward(new Tensor(2, 3), ForwardPass.Eval, cancellation.Token));

        Assert.Equal([0, 1], ran);
    }

    [Fact]
    public void MonteCarlo_CancelledDuringASample_StopsBeforeTheNextSample()
    {
        using var cancellation = new CancellationTokenSource();
        int passes = 0;
        var spec = new ModelSpec
        {
            InputSize = 3,
            Layers = [LayerSpec.Dense(4), LayerSpec.Dropout(0.5f), new ProbeSpec(_ => { if (++passes == 3) { cancellation.Cancel(); } }), LayerSpec.Dense(2)],
        };

        Assert.Throws<OperationCanceledException>(() => MonteCarlo.Predict(Model.Create(spec), new Tensor(2, 3), samples: 100, seed: 1, cancellation.Token));

        Assert.Equal(3, passes);
    }
}
