using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Models;

public class ModelTests
{
    private static readonly ModelSpec s_spec = new()
    {
        InputSize = 5,
        Layers = [LayerSpec.Dense(16), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(3)],
        Seed = 7,
    };

    [Fact]
    public void Create_SameSeed_SameWeights_DifferentSeed_DifferentWeights()
    {
        var a = Model.Create(s_spec);
        var b = Model.Create(s_spec);
        var c = Model.Create(s_spec with { Seed = 8 });
        Assert.Equal(a.Parameters[0].Value.ToArray(), b.Parameters[0].Value.ToArray());
        Assert.NotEqual(a.Parameters[0].Value.ToArray(), c.Parameters[0].Value.ToArray());
    }

    [Fact]
    public void Create_HeInit_HasExpectedScale()
    {
        var model = Model.Create(new ModelSpec { InputSize = 400, Layers = [LayerSpec.Dense(500), LayerSpec.Dense(2)] });
        var w = model.Parameters[0].Value.Span;
        double sumSq = 0;
        foreach (float v in w)
        {
            sumSq += v * v;
        }
        double std = Math.Sqrt(sumSq / w.Length);
        Assert.InRange(std, Math.Sqrt(2.0 / 400) * 0.98, Math.Sqrt(2.0 / 400) * 1.02); // 200k samples: ±2% is ~6 sigma
        Assert.All(model.Parameters[1].Value.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(2, "layers[2].dropout.rate")]
    [InlineData(0, "layers[0].dense.units")]
    public void Create_InvalidLayer_NamesField(int layer, string field)
    {
        var layers = s_spec.Layers.ToArray();
        layers[layer] = layer == 2 ? LayerSpec.Dropout(1f) : LayerSpec.Dense(0);
        var e = Assert.Throws<ModelSpecException>(() => Model.Create(s_spec with { Layers = layers }));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Create_ClassifierWithOneOutput_Rejected()
    {
        var e = Assert.Throws<ModelSpecException>(() => Model.Create(new ModelSpec { InputSize = 2, Layers = [LayerSpec.Dense(1)] }));
        Assert.Equal("loss", e.Field);
    }

    [Fact]
    public void Replicate_SharesWeights_Clone_CopiesThem()
    {
        var model = Model.Create(s_spec);
        var replica = model.Replicate();
        var clone = model.Clone();
        model.Parameters[0].Value[0, 0] = 123f;
        Assert.Equal(123f, replica.Parameters[0].Value[0, 0]);
        Assert.NotEqual(123f, clone.Parameters[0].Value[0, 0]);
    }

    [Fact]
    public void Replicas_HaveIndependentActivations()
    {
        var model = Model.Create(s_spec);
        var replica = model.Replicate();
        var x1 = GradientChecker.Random(2, 5, 1);
        var upstream = GradientChecker.Random(2, 3, 2);
        var pass = new ForwardPass(ForwardMode.Train, 3, 0);

        model.Forward(x1, pass);
        var expected = model.Backward(upstream).ToArray();

        model.Forward(x1, pass);
        replica.Forward(GradientChecker.Random(4, 5, 3), new ForwardPass(ForwardMode.Train, 4, 1)); // must not disturb model's state
        Assert.Equal(expected, model.Backward(upstream).ToArray());
    }

    [Fact]
    public void Forward_EvalIgnoresSeed_TrainDependsOnIt()
    {
        var model = Model.Create(s_spec);
        var x = GradientChecker.Random(8, 5, 3);
        var eval1 = model.Forward(x, new ForwardPass(ForwardMode.Eval, 1, 0)).ToArray();
        var eval2 = model.Forward(x, new ForwardPass(ForwardMode.Eval, 2, 5)).ToArray();
        var train1 = model.Forward(x, new ForwardPass(ForwardMode.Train, 1, 0)).ToArray();
        var train1Again = model.Forward(x, new ForwardPass(ForwardMode.Train, 1, 0)).ToArray();
        var train2 = model.Forward(x, new ForwardPass(ForwardMode.Train, 2, 0)).ToArray();
        Assert.Equal(eval1, eval2);
        Assert.Equal(train1, train1Again);
        Assert.NotEqual(train1, train2);
        Assert.NotEqual(eval1, train1);
    }

    [Fact]
    public void Forward_WrongInputWidth_Throws()
    {
        var model = Model.Create(s_spec);
        Assert.Throws<ArgumentException>(() => model.Predict(new Tensor(1, 4)));
    }

    [Fact]
    public void MonteCarlo_WithDropout_HasSpread_WithoutDropout_None()
    {
        var x = GradientChecker.Random(3, 5, 4);
        var withDropout = MonteCarlo.Predict(Model.Create(s_spec), x, samples: 20, seed: 1);
        var noDropoutSpec = s_spec with { Layers = [LayerSpec.Dense(16), LayerSpec.Relu(), LayerSpec.Dense(3)] };
        var without = MonteCarlo.Predict(Model.Create(noDropoutSpec), x, samples: 20, seed: 1);

        Assert.Contains(withDropout.StandardDeviation.ToArray(), s => s > 1e-3f);
        Assert.All(without.StandardDeviation.ToArray(), s => Assert.Equal(0f, s));
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(1.0, withDropout.Mean.Row(r).ToArray().Sum(), 4); // mean probabilities sum to 1
            Assert.InRange(withDropout.PredictiveEntropy![r], 0f, MathF.Log(3) + 1e-5f);
        }
    }

    [Fact]
    public void MonteCarlo_SameSeedSameResult()
    {
        var model = Model.Create(s_spec);
        var x = GradientChecker.Random(2, 5, 5);
        var a = MonteCarlo.Predict(model, x, 10, 3);
        var b = MonteCarlo.Predict(model, x, 10, 3);
        Assert.Equal(a.Mean.ToArray(), b.Mean.ToArray());
        Assert.Equal(a.StandardDeviation.ToArray(), b.StandardDeviation.ToArray());
    }
}
