using System.Globalization;

using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Randomness;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Layers.Dropout;

public class DropoutLayerTests
{
    // 1024 x 1024 ≈ 1M elements: large enough for tight statistical bounds and for the parallel path.
    private const int Rows = 1024;
    private const int Columns = 1024;

    // Statistical checks use 5 sigma: a correct layer fails one with probability < 6e-7 (and the
    // seeds are fixed, so a passing test stays passing), while a wrong keep probability of even
    // 0.5 % moves the kept count by ~10 sigma at 1M elements.
    private const double Sigmas = 5.0;

    private static ForwardPass Train(ulong seed = 42, long step = 7) => new(ForwardMode.Train, seed, step);

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Forward_TrainMode_KeptFractionWithinBinomialBound(float rate)
    {
        // Arrange
        var layer = NewLayer(3, Columns, rate);
        var input = Tensor.Filled(Rows, Columns, 1f);

        // Act
        var output = layer.Forward(input, Train());

        // Assert
        int n = output.Length;
        int kept = CountNonZero(output.Span);
        double p = 1.0 - rate;
        double sigma = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(kept, n * p - Sigmas * sigma, n * p + Sigmas * sigma);
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Forward_TrainMode_KeptValuesAreInputOverKeepProbabilityAndDroppedAreZero(float rate)
    {
        // Arrange
        var layer = NewLayer(1, 257, rate);
        var input = RandomTensor(300, 257, seed: 5);

        // Act
        var output = layer.Forward(input, Train());

        // Assert
        Assert.Equal((float)(1.0 / (1.0 - rate)), layer.Scale);
        var mask = new DropoutMask(42, 7, 1, rate);
        var x = input.Span;
        var y = output.Span;
        int kept = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (mask.IsKept(i))
            {
                kept++;
                Assert.Equal(x[i] * layer.Scale, y[i]);
                // One float rounding of 1/(1 - rate) and one of the product: within 2 ulp of x / (1 - rate).
                double exact = x[i] / (1.0 - rate);
                Assert.True(Math.Abs(y[i] - exact) <= 2.5e-7 * Math.Abs(exact), $"element {i}: {y[i]} vs {exact}");
            }
            else
            {
                Assert.Equal(0, BitConverter.SingleToInt32Bits(y[i])); // +0, not -0 or NaN
            }
        }
        Assert.InRange(kept, 1, x.Length - 1);
    }

    [Theory]
    [InlineData(0.2f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Forward_TrainMode_PreservesMeanWithinVarianceBound(float rate)
    {
        // Arrange: inputs in [0.5, 1.5) so a wrong scale shifts the mean by far more than the bound.
        var layer = NewLayer(0, Columns, rate);
        var input = RandomTensor(Rows, Columns, seed: 11, offset: 1f);

        // Act
        var output = layer.Forward(input, Train(seed: 2024, step: 1));

        // Assert: E[y_i] = x_i and Var[y_i] = x_i² · rate / (1 - rate), independent across i.
        double inputSum = 0, outputSum = 0, variance = 0;
        var x = input.Span;
        var y = output.Span;
        for (int i = 0; i < x.Length; i++)
        {
            inputSum += x[i];
            outputSum += y[i];
            variance += (double)x[i] * x[i] * rate / (1.0 - rate);
        }
        double n = x.Length;
        double sigmaOfMean = Math.Sqrt(variance) / n;
        Assert.InRange(outputSum / n, inputSum / n - Sigmas * sigmaOfMean, inputSum / n + Sigmas * sigmaOfMean);
    }

    [Fact]
    public void Forward_EvalMode_ReturnsInputItselfUnchanged()
    {
        // Arrange
        var layer = NewLayer(2, 64, 0.5f);
        var input = RandomTensor(16, 64, seed: 3);
        float[] before = input.ToArray();
        var gradient = RandomTensor(16, 64, seed: 4);

        // Act
        var output = layer.Forward(input, ForwardPass.Eval);
        var inputGradient = layer.Backward(gradient);

        // Assert
        Assert.Same(input, output);
        Assert.Equal(before, output.ToArray());
        Assert.Same(gradient, inputGradient);
    }

    [Theory]
    [InlineData(ForwardMode.Train)]
    [InlineData(ForwardMode.McDropout)]
    [InlineData(ForwardMode.Eval)]
    public void Forward_RateZero_ReturnsInputItselfInEveryMode(ForwardMode mode)
    {
        // Arrange
        var layer = NewLayer(2, 64, 0f);
        var input = RandomTensor(16, 64, seed: 3);
        float[] before = input.ToArray();
        var gradient = RandomTensor(16, 64, seed: 4);

        // Act
        var output = layer.Forward(input, new ForwardPass(mode, 1, 1));
        var inputGradient = layer.Backward(gradient);

        // Assert
        Assert.Same(input, output);
        Assert.Equal(before, output.ToArray());
        Assert.Same(gradient, inputGradient);
    }

    [Fact]
    public void Forward_McDropoutMode_DropsLikeTrainingWithTheSameKey()
    {
        // Arrange
        var mc = NewLayer(4, 128, 0.5f);
        var train = NewLayer(4, 128, 0.5f);
        var input = Tensor.Filled(64, 128, 1f);

        // Act
        var mcOutput = mc.Forward(input, new ForwardPass(ForwardMode.McDropout, 9, 3));
        var trainOutput = train.Forward(input, new ForwardPass(ForwardMode.Train, 9, 3));

        // Assert
        Assert.NotSame(input, mcOutput);
        Assert.InRange(CountNonZero(mcOutput.Span), 1, input.Length - 1);
        Assert.Equal(trainOutput.ToArray(), mcOutput.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Backward_AfterForward_ZeroesExactlyTheDroppedUnitsAndScalesTheRest(bool storeBitMask)
    {
        // Arrange: large enough for the parallel path, and an odd width so rows straddle mask words.
        var layer = NewLayer(5, 1001, 0.3f);
        layer.StoreBitMask = storeBitMask;
        var input = RandomTensor(300, 1001, seed: 21);
        var gradient = RandomTensor(300, 1001, seed: 22);

        // Act
        var output = layer.Forward(input, Train(seed: 77, step: 123)).ToArray();
        var inputGradient = layer.Backward(gradient);

        // Assert
        var g = gradient.Span;
        var dx = inputGradient.Span;
        for (int i = 0; i < g.Length; i++)
        {
            float expected = output[i] == 0f ? 0f : g[i] * layer.Scale;
            Assert.Equal(expected, dx[i]);
        }
    }

    [Fact]
    public void Backward_AfterLaterForwards_UsesTheLatestForwardsMask()
    {
        // Arrange
        var layer = NewLayer(0, 256, 0.5f);
        var ones = Tensor.Filled(32, 256, 1f);
        layer.Forward(ones, Train(step: 1));
        var second = layer.Forward(ones, Train(step: 2)).ToArray();

        // Act
        var dx = layer.Backward(ones).ToArray();

        // Assert
        Assert.Equal(second, dx);
    }

    [Fact]
    public void Forward_SameKey_SameMaskAcrossInstancesAndCalls()
    {
        // Arrange
        var a = NewLayer(3, Columns, 0.5f);
        var b = NewLayer(3, Columns, 0.5f);
        var input = Tensor.Filled(256, Columns, 1f);

        // Act
        float[] first = a.Forward(input, Train(seed: 5, step: 9)).ToArray();
        a.Forward(input, Train(seed: 5, step: 10));
        float[] again = a.Forward(input, Train(seed: 5, step: 9)).ToArray();
        float[] other = b.Forward(input, Train(seed: 5, step: 9)).ToArray();

        // Assert
        Assert.Equal(first, again);
        Assert.Equal(first, other);
    }

    [Theory]
    [InlineData("step")]
    [InlineData("layer")]
    [InlineData("seed")]
    public void Forward_DifferentKey_NearlyUncorrelatedMask(string changed)
    {
        // Arrange
        const float rate = 0.5f;
        var input = Tensor.Filled(Rows, Columns, 1f);
        var reference = NewLayer(3, Columns, rate);
        var other = NewLayer(changed == "layer" ? 4 : 3, Columns, rate);
        var otherPass = changed switch
        {
            "step" => Train(seed: 42, step: 8),
            "seed" => Train(seed: 43, step: 7),
            _ => Train(seed: 42, step: 7),
        };

        // Act
        var a = reference.Forward(input, Train(seed: 42, step: 7)).Span;
        var b = other.Forward(input, otherPass).Span;

        // Assert: independent masks keep an element in both with probability p², binomially.
        int both = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != 0f && b[i] != 0f)
            {
                both++;
            }
        }
        double n = a.Length, p2 = (1.0 - rate) * (1.0 - rate);
        double sigma = Math.Sqrt(n * p2 * (1 - p2));
        Assert.InRange(both, n * p2 - Sigmas * sigma, n * p2 + Sigmas * sigma);
    }

    [Theory]
    [InlineData(37, 129)]     // serial path, ragged tail
    [InlineData(700, 1001)]   // parallel path, chunk boundaries inside rows, ragged tail
    [InlineData(64, 4096)]    // parallel path, whole mask words
    public void Forward_EveryKernelAndThreadCount_IdenticalMasksAndGradients(int rows, int columns)
    {
        // Arrange
        var input = RandomTensor(rows, columns, seed: 8);
        var gradient = RandomTensor(rows, columns, seed: 9);
        var reference = NewLayer(6, columns, 0.4f);
        reference.Kernel = MaskKernel.Scalar;
        reference.MaxDegreeOfParallelism = 1;
        float[] expectedOutput = reference.Forward(input, Train()).ToArray();
        float[] expectedGradient = reference.Backward(gradient).ToArray();
        var variants = new List<(MaskKernel Kernel, int Threads, bool Bits)>();
        foreach (var kernel in new[] { MaskKernel.Scalar, MaskKernel.Vector256, MaskKernel.Vector512, MaskKernel.Auto })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                variants.Add((kernel, threads, true));
                variants.Add((kernel, threads, false));
            }
        }

        foreach (var (kernel, threads, bits) in variants)
        {
            // Act
            var layer = NewLayer(6, columns, 0.4f);
            layer.Kernel = kernel;
            layer.MaxDegreeOfParallelism = threads;
            layer.StoreBitMask = bits;
            float[] output = layer.Forward(input, Train()).ToArray();
            float[] inputGradient = layer.Backward(gradient).ToArray();

            // Assert
            Assert.True(expectedOutput.AsSpan().SequenceEqual(output), $"forward differs: {kernel}, {threads} threads, bits {bits}");
            Assert.True(expectedGradient.AsSpan().SequenceEqual(inputGradient), $"backward differs: {kernel}, {threads} threads, bits {bits}");
        }
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Constructor_RateOutsideZeroToOne_ThrowsNamingTheValue(float rate)
    {
        // Act
        var e = Assert.Throws<ModelSpecException>(() => LayerSpec.Dropout(rate).CreateLayer(new TensorShape(8)));

        // Assert
        Assert.Equal("layers[0].dropout.rate", e.Field);
        Assert.Contains($"got {rate.ToString(CultureInfo.InvariantCulture)}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ValidArguments_NameAndShape()
    {
        // Act
        var layer = NewLayer(7, 10, 0.25f);

        // Assert
        Assert.Equal("dropout7", layer.Name);
        Assert.Equal(7, layer.Index);
        Assert.Equal((new TensorShape(10), new TensorShape(10)), (layer.InputShape, layer.OutputShape));
        Assert.Empty(layer.Buffers);
        Assert.Empty(layer.Parameters);
        Assert.Equal(0.25f, layer.Rate);
    }

    [Fact]
    public void Backward_WithoutForward_ThrowsInvalidOperation()
    {
        // Arrange
        var layer = NewLayer(0, 8, 0.5f);

        // Act + Assert
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2, 8)));
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData(2, 9)]
    public void Backward_GradientShapeDiffersFromForward_ThrowsArgument(int rows, int columns)
    {
        // Arrange
        var layer = NewLayer(0, 8, 0.5f);
        layer.Forward(new Tensor(2, 8), Train());

        // Act + Assert
        Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(rows, columns)));
    }

    [Fact]
    public void Forward_WrongWidth_ThrowsArgument()
    {
        var layer = NewLayer(0, 8, 0.5f);
        Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 7), Train()));
    }

    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.9f)]
    public void Backward_MatchesCentralDifferences(float rate)
    {
        // Arrange: L(x) = Σ g ⊙ forward(x) with a fixed (seed, step), so the mask is fixed and L is
        // linear in x: central differences have no truncation error, only float32 rounding of
        // x ± h and of the perturbed output, ≲ 4 ulp · |g| · scale · (|x| + h) / (2h) ≈ 2e-5 · scale
        // for |x|, |g| < 1 and h = 1e-2. Tolerance 1e-4 · scale covers that; a wrong mask or scale
        // is off by ~|g| · scale ≈ 0.1-10.
        const int rows = 4, columns = 33;
        const float h = 1e-2f;
        var layer = NewLayer(2, columns, rate);
        var pass = Train(seed: 99, step: 5);
        var x = RandomTensor(rows, columns, seed: 31, offset: 0f);
        var g = RandomTensor(rows, columns, seed: 32, offset: 0f);
        layer.Forward(x, pass);
        float[] analytic = layer.Backward(g).ToArray();

        for (int i = 0; i < x.Length; i++)
        {
            // Act
            float saved = x.Span[i];
            x.Span[i] = saved + h;
            double plus = Dot(g.Span, layer.Forward(x, pass).Span);
            x.Span[i] = saved - h;
            double minus = Dot(g.Span, layer.Forward(x, pass).Span);
            x.Span[i] = saved;
            double numeric = (plus - minus) / (2 * h);

            // Assert
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-4 * layer.Scale, $"element {i}: numeric {numeric}, analytic {analytic[i]}");
        }
    }

    [Fact]
    public void ModelReplicate_GivesFreshLayerWithTheSameConfigurationAndMasks()
    {
        // Arrange
        var model = Model.Create(new ModelSpec { InputSize = 64, Layers = [LayerSpec.Relu(), LayerSpec.Relu(), LayerSpec.Relu(), LayerSpec.Dropout(0.4f), LayerSpec.Dense(2)] });
        var layer = Assert.IsType<DropoutLayer>(model.Layers[3]);
        var input = RandomTensor(8, 64, seed: 1);
        float[] expected = layer.Forward(input, Train()).ToArray();

        // Act
        var replica = Assert.IsType<DropoutLayer>(model.Replicate().Layers[3]);

        // Assert
        Assert.NotSame(layer, replica);
        Assert.Equal((layer.Name, layer.Index, layer.InputShape, layer.Rate), (replica.Name, replica.Index, replica.InputShape, replica.Rate));
        Assert.Equal((3, "dropout3"), (replica.Index, replica.Name));
        Assert.Throws<InvalidOperationException>(() => replica.Backward(new Tensor(8, 64)));
        var output = replica.Forward(input, Train());
        Assert.NotSame(layer.Forward(input, Train()), output);
        Assert.Equal(expected, output.ToArray());
    }

    [Fact]
    public void ForwardBackward_SteadyState_ReusesBuffersAndAllocatesNothing()
    {
        // Arrange: a tensor below the parallel threshold, so all work is on this thread.
        var layer = NewLayer(0, 512, 0.5f);
        var input = RandomTensor(64, 512, seed: 2);
        var gradient = RandomTensor(64, 512, seed: 3);
        var output = layer.Forward(input, Train(step: 0));
        var inputGradient = layer.Backward(gradient);

        // Act
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step <= 10; step++)
        {
            Assert.Same(output, layer.Forward(input, Train(step: step)));
            Assert.Same(inputGradient, layer.Backward(gradient));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Equal(0, allocated);
    }

    private static int CountNonZero(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float v in values)
        {
            if (v != 0f)
            {
                count++;
            }
        }
        return count;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }

    /// <summary>Uniform values in [offset - 0.5, offset + 0.5), never exactly zero.</summary>
    private static Tensor RandomTensor(int rows, int columns, ulong seed, float offset = 0f)
    {
        var rng = new SplitMix64(seed);
        var t = new Tensor(rows, columns);
        var span = t.Span;
        for (int i = 0; i < span.Length; i++)
        {
            float v;
            do
            {
                v = rng.NextSingle() - 0.5f + offset;
            }
            while (v == 0f);
            span[i] = v;
        }
        return t;
    }

    private static DropoutLayer NewLayer(int index, int size, float rate) =>
        (DropoutLayer)LayerSpec.Dropout(rate).CreateLayer(new TensorShape(size), index);
}
