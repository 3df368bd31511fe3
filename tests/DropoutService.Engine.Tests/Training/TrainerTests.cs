using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Training;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Training;

public class TrainerTests
{
    private static readonly ModelSpec s_spec = new()
    {
        InputSize = 4,
        Layers = [LayerSpec.Dense(32), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(3)],
        Seed = 1,
    };

    // Three Gaussian blobs in 4-D: learnable to ~100% accuracy.
    private static Dataset Blobs(int count, ulong seed)
    {
        var x = GradientChecker.Random(count, 4, seed, scale: 0.5f);
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % 3;
            x[i, y[i]] += 2f;
        }
        return Dataset.FromClassIds(x, y);
    }

    private static TrainingOptions Options => new()
    {
        Epochs = 15,
        BatchSize = 16,
        LearningRate = 0.05f,
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Momentum = 0.9f },
        WeightDecay = 1e-4f,
        Seed = 99,
    };

    [Fact]
    public void Fit_SameSeed_BitwiseIdenticalWeights()
    {
        var data = Blobs(200, 5);
        var a = Model.Create(s_spec);
        var b = Model.Create(s_spec);
        var ra = new Trainer(a, Options).Fit(data);
        var rb = new Trainer(b, Options).Fit(data);
        for (int i = 0; i < a.Parameters.Count; i++)
        {
            Assert.Equal(a.Parameters[i].Value.ToArray(), b.Parameters[i].Value.ToArray());
        }
        Assert.Equal(ra.History.Select(h => h.TrainLoss), rb.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void Fit_DifferentSeed_DifferentWeights()
    {
        var data = Blobs(200, 5);
        var a = Model.Create(s_spec);
        var b = Model.Create(s_spec);
        new Trainer(a, Options).Fit(data);
        new Trainer(b, Options with { Seed = 100 }).Fit(data);
        Assert.NotEqual(a.Parameters[0].Value.ToArray(), b.Parameters[0].Value.ToArray());
    }

    [Fact]
    public void Fit_LearnsBlobs_ReportsEveryEpoch()
    {
        var model = Model.Create(s_spec);
        var seen = new List<EpochMetrics>();
        var result = new Trainer(model, Options with { ValidationSplit = 0.2f }).Fit(Blobs(300, 6), seen.Add);
        Assert.Equal(15, seen.Count);
        Assert.Equal(Enumerable.Range(1, 15), seen.Select(m => m.Epoch));
        Assert.Equal(15 * (int)Math.Ceiling(240 / 16.0), result.Steps);
        Assert.True(seen[^1].TrainLoss < seen[0].TrainLoss);
        Assert.True(seen[^1].ValidationAccuracy >= 0.95f, $"validation accuracy {seen[^1].ValidationAccuracy}");
        var (loss, accuracy) = Evaluator.Evaluate(model, Blobs(150, 7));
        Assert.True(accuracy >= 0.95f, $"accuracy {accuracy}, loss {loss}");
    }

    [Fact]
    public void Fit_Cancelled_ThrowsWithinOneBatch()
    {
        var model = Model.Create(s_spec);
        using var cts = new CancellationTokenSource();
        int epochs = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(model, Options with { Epochs = 1000 }).Fit(Blobs(200, 5), _ =>
            {
                if (++epochs == 2)
                {
                    cts.Cancel();
                }
            }, cts.Token));
        Assert.Equal(2, epochs); // no third epoch started
    }

    [Fact]
    public void Fit_EarlyStopping_RestoresBestEpochWeights()
    {
        // A tiny noisy training set and a huge learning rate: validation loss stops improving soon.
        var data = Blobs(60, 8);
        var options = Options with { Epochs = 200, LearningRate = 0.5f, ValidationSplit = 0.3f, EarlyStoppingPatience = 3 };
        var model = Model.Create(s_spec);
        var result = new Trainer(model, options).Fit(data);
        Assert.True(result.StoppedEarly);
        Assert.Equal(result.History.Count - 3, result.BestEpoch);
        float best = result.History.Min(h => h.ValidationLoss!.Value);
        Assert.Equal(best, result.History[result.BestEpoch - 1].ValidationLoss);

        // The restored weights reproduce the best epoch's validation loss. Rebuild that validation set the same way:
        var replay = Model.Create(s_spec);
        var replayResult = new Trainer(replay, options with { Epochs = result.BestEpoch, EarlyStoppingPatience = 0 }).Fit(data);
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            Assert.Equal(replay.Parameters[i].Value.ToArray(), model.Parameters[i].Value.ToArray());
        }
        Assert.Equal(result.BestEpoch, replayResult.History.Count);
    }

    [Fact]
    public void Fit_ResumeWithOptimizerState_UsesSavedVelocity()
    {
        var data = Blobs(100, 9);
        var model = Model.Create(s_spec);
        var first = new Trainer(model, Options with { Epochs = 1 }).Fit(data);
        Assert.NotEmpty(first.OptimizerState.Buffers);
        Assert.Equal(first.Steps, first.OptimizerState.StepCount);

        var resumed = model.Clone();
        var fresh = model.Clone();
        new Trainer(resumed, Options with { Epochs = 1 }, first.OptimizerState).Fit(data);
        new Trainer(fresh, Options with { Epochs = 1 }).Fit(data);
        Assert.NotEqual(fresh.Parameters[0].Value.ToArray(), resumed.Parameters[0].Value.ToArray());
    }

    [Theory]
    [InlineData("Epochs")]
    [InlineData("BatchSize")]
    [InlineData("LearningRate")]
    [InlineData("ValidationSplit")]
    [InlineData("EarlyStoppingPatience")]
    public void Options_Invalid_NamesTheOption(string option)
    {
        var options = option switch
        {
            "Epochs" => Options with { Epochs = 0 },
            "BatchSize" => Options with { BatchSize = 0 },
            "LearningRate" => Options with { LearningRate = float.NaN },
            "ValidationSplit" => Options with { ValidationSplit = 1f },
            _ => Options with { EarlyStoppingPatience = 2 }, // without validation
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(Model.Create(s_spec), options));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Fit_ClassIdOutOfRange_Rejected()
    {
        var data = Dataset.FromClassIds(new Tensor(2, 4), [0, 3]);
        var e = Assert.ThrowsAny<ArgumentException>(() => new Trainer(Model.Create(s_spec), Options).Fit(data));
        Assert.Contains("class id 3", e.Message);
    }

    [Fact]
    public void Fit_NonFiniteFeature_Rejected()
    {
        var x = new Tensor(2, 4);
        x[1, 2] = float.NaN;
        var e = Assert.ThrowsAny<ArgumentException>(() => new Trainer(Model.Create(s_spec), Options).Fit(Dataset.FromClassIds(x, [0, 1])));
        Assert.Contains("row 1", e.Message);
    }

    [Fact]
    public void Fit_Regression_ReducesMeanSquaredError()
    {
        var spec = new ModelSpec { InputSize = 4, Layers = [LayerSpec.Dense(16), LayerSpec.Tanh(), LayerSpec.Dense(1)], Loss = LossKind.MeanSquaredError, Seed = 3 };
        var x = GradientChecker.Random(128, 4, 10);
        var y = new Tensor(128, 1);
        for (int i = 0; i < 128; i++)
        {
            y[i, 0] = 0.5f * x[i, 0] - x[i, 1];
        }
        var model = Model.Create(spec);
        var result = new Trainer(model, Options with { Epochs = 30, LearningRate = 0.02f }).Fit(Dataset.FromValues(x, y));
        Assert.True(result.History[^1].TrainLoss < 0.1f * result.History[0].TrainLoss, $"{result.History[0].TrainLoss} -> {result.History[^1].TrainLoss}");
        Assert.Null(result.History[^1].TrainAccuracy);
    }
}
