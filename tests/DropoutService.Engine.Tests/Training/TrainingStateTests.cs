using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Training;

/// <summary>
/// Bitwise-exact resume: a run stopped after epoch k, its state serialised, read back and resumed
/// on a fresh model ends with the same bytes (weights, optimizer state, metrics except wall time)
/// as the same run without interruption.
/// </summary>
public sealed class TrainingStateTests
{
    private static readonly ModelSpec s_spec = new()
    {
        InputSize = 4,
        Layers = [LayerSpec.Dense(24), LayerSpec.Relu(), LayerSpec.Dropout(0.3f), LayerSpec.Dense(3)],
        Seed = 7,
    };

    private static Dataset Blobs(int count, ulong seed)
    {
        var x = GradientChecker.Random(count, 4, seed, scale: 0.8f);
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % 3;
            x[i, y[i]] += 1.5f;
        }
        return Dataset.FromClassIds(x, y);
    }

    // Adam, a step schedule, weight decay, max-norm, a validation split and early stopping with
    // best weights: every piece of state a resume must carry.
    private static TrainingOptions Options => new()
    {
        Epochs = 12,
        BatchSize = 10,
        LearningRate = 0.02f,
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam },
        Schedule = LearningRateSchedule.Step(4, 0.5f),
        WeightDecay = 1e-3f,
        MaxNorm = 3f,
        ValidationSplit = 0.25f,
        EarlyStoppingPatience = 50,
        Seed = 42,
    };

    private sealed record Run(TrainingResult Result, Model Model);

    private static Run Uninterrupted(TrainingOptions options, Dataset data)
    {
        var model = Model.Create(s_spec);
        return new Run(new Trainer(model, options).Fit(data), model);
    }

    private static Run Interrupted(TrainingOptions options, Dataset data, int stopAfter)
    {
        byte[]? saved = null;
        using var cts = new CancellationTokenSource();
        var first = Model.Create(s_spec);
        try
        {
            new Trainer(first, options).Fit(data, null, (m, boundary) =>
            {
                if (m.Epoch == stopAfter)
                {
                    saved = TrainingStateFile.Serialize(boundary.ExportState());
                    cts.Cancel(); // the next batch throws, as a kill would stop it
                }
            }, cts.Token);
            Assert.True(stopAfter == options.Epochs || saved is not null, "the run ended before the stop epoch");
        }
        catch (OperationCanceledException)
        {
            // Stopped after epoch stopAfter, as intended.
        }
        Assert.NotNull(saved);

        var state = TrainingStateFile.Deserialize(saved);
        var resumed = Model.Create(s_spec); // fresh initial weights: the state must overwrite them all
        var result = new Trainer(resumed, options).Fit(data, state, null, CancellationToken.None);
        return new Run(result, resumed);
    }

    private static void AssertSameBytes(Run expected, Run actual)
    {
        var e = Checkpoint.FromModel(expected.Model, expected.Result.OptimizerState, new TrainingMetadata());
        var a = Checkpoint.FromModel(actual.Model, actual.Result.OptimizerState, new TrainingMetadata());
        Assert.Equal(CheckpointFile.Serialize(e), CheckpointFile.Serialize(a));
        Assert.Equal(expected.Result.Steps, actual.Result.Steps);
        Assert.Equal(expected.Result.BestEpoch, actual.Result.BestEpoch);
        Assert.Equal(expected.Result.StoppedEarly, actual.Result.StoppedEarly);
        Assert.Equal(expected.Result.History.Select(h => h with { Elapsed = default }), actual.Result.History.Select(h => h with { Elapsed = default }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(11)]
    public void Fit_StoppedAfterEpochAndResumed_BitwiseIdenticalToUninterrupted(int stopAfter)
    {
        var data = Blobs(120, 3);
        var expected = Uninterrupted(Options, data);

        var actual = Interrupted(Options, data, stopAfter);

        AssertSameBytes(expected, actual);
        Assert.Equal(12, actual.Result.History.Count);
    }

    [Fact]
    public void Fit_EarlyStoppingRestoresBestWeightsAcrossResume_BitwiseIdentical()
    {
        // A large rate on few rows: validation loss stops improving early, best weights are restored.
        var data = Blobs(45, 4);
        var options = Options with { Epochs = 80, LearningRate = 0.3f, EarlyStoppingPatience = 3, Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum } };
        var expected = Uninterrupted(options, data);
        Assert.True(expected.Result.StoppedEarly);
        Assert.NotEqual(expected.Result.History.Count, expected.Result.BestEpoch);

        // Stop in the patience window (after the best epoch, before the stop): the counter and best weights come from the state.
        var actual = Interrupted(options, data, expected.Result.BestEpoch + 1);

        AssertSameBytes(expected, actual);
    }

    [Fact]
    public void Fit_ResumedFromStateOfStoppingEpoch_EndsWithoutAnotherEpoch()
    {
        var data = Blobs(45, 4);
        var options = Options with { Epochs = 80, LearningRate = 0.3f, EarlyStoppingPatience = 3 };
        var expected = Uninterrupted(options, data);
        Assert.True(expected.Result.StoppedEarly);

        var actual = Interrupted(options, data, expected.Result.History.Count);

        AssertSameBytes(expected, actual);
    }

    [Fact]
    public void Fit_ResumeElapsed_ContinuesFromSavedTime()
    {
        var data = Blobs(60, 5);
        var options = Options with { Epochs = 3, EarlyStoppingPatience = 0 };
        TrainingState? state = null;
        new Trainer(Model.Create(s_spec), options with { Epochs = 3 }).Fit(data, null, (m, b) => state ??= b.ExportState() with { Elapsed = TimeSpan.FromHours(1) }, CancellationToken.None);

        var result = new Trainer(Model.Create(s_spec), options).Fit(data, state, null, CancellationToken.None);

        Assert.True(result.History[1].Elapsed >= TimeSpan.FromHours(1));
        Assert.Equal(state!.History[0], result.History[0]);
    }

    [Fact]
    public void Fit_StateOfAnotherSpec_ArgumentException()
    {
        var data = Blobs(60, 5);
        TrainingState? state = null;
        new Trainer(Model.Create(s_spec), Options with { Epochs = 2 }).Fit(data, null, (_, b) => state = b.ExportState(), CancellationToken.None);
        var other = Model.Create(s_spec with { Seed = 8, Layers = [LayerSpec.Dense(8), LayerSpec.Dense(3)] });

        var e = Assert.ThrowsAny<ArgumentException>(() => new Trainer(other, Options).Fit(data, state, null, CancellationToken.None));

        Assert.Contains("another model spec", e.Message);
    }

    [Fact]
    public void Deserialize_FlippedByteOrTruncated_CheckpointException()
    {
        var data = Blobs(60, 5);
        TrainingState? state = null;
        new Trainer(Model.Create(s_spec), Options with { Epochs = 1 }).Fit(data, null, (_, b) => state = b.ExportState(), CancellationToken.None);
        var bytes = TrainingStateFile.Serialize(state!);
        var roundTrip = TrainingStateFile.Deserialize(bytes);
        Assert.Equal(bytes, TrainingStateFile.Serialize(roundTrip));

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x10;
        Assert.Throws<CheckpointCorruptedException>(() => TrainingStateFile.Deserialize(flipped));
        Assert.Throws<CheckpointTruncatedException>(() => TrainingStateFile.Deserialize(bytes.AsSpan(0, bytes.Length - 7)));
        Assert.Throws<CheckpointFormatException>(() => TrainingStateFile.Deserialize(CheckpointFile.Serialize(state!.Model)));
    }

    [Fact]
    public void Fit_LearningRateTooLarge_DivergedNamingEpochAndStepAndNothingNonFiniteLeft()
    {
        var spec = new ModelSpec { InputSize = 4, Loss = LossKind.MeanSquaredError, Layers = [LayerSpec.Dense(16), LayerSpec.Relu(), LayerSpec.Dense(2)], Seed = 1 };
        var x = GradientChecker.Random(64, 4, 9, scale: 50f);
        var y = GradientChecker.Random(64, 2, 10, scale: 50f);
        var model = Model.Create(spec);
        var options = new TrainingOptions { Epochs = 50, BatchSize = 8, LearningRate = 10f, Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Momentum = 0.99f } };

        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, options).Fit(Dataset.FromValues(x, y)));

        Assert.Matches(@"^diverged at epoch \d+, step \d+: (loss is (NaN|\+Inf)|weight dense\d\.(weight|bias)\[\d+\] is (NaN|[+-]Inf)); lower the learning rate$", e.Message);
        Assert.True(e.Step >= 1 && e.Epoch >= 1 && e.Step <= e.Epoch * 8L);
    }

    [Fact]
    public void Validate_BinaryCrossEntropyTargetOutsideUnitInterval_DatasetExceptionNamingTargets()
    {
        var x = GradientChecker.Random(5, 3, 1, scale: 1f);
        var values = DropoutService.Engine.Tensors.Tensor.Filled(5, 1, 0.5f);
        values[3, 0] = 1.5f;
        var data = Dataset.FromValues(x, values);

        var e = Assert.Throws<DatasetException>(() => data.Validate(3, 1, LossKind.BinaryCrossEntropyWithLogits, "training data"));

        Assert.Equal("target_values", e.Field);
        Assert.Contains("[0, 1]", e.Message);
        data.Validate(3, 1, LossKind.MeanSquaredError); // the same data is fine for MSE
    }

    [Fact]
    public void Profiler_ChunkedRows_SameSummaryAsWhole()
    {
        var x = GradientChecker.Random(10, 2, 2, scale: 1f);
        int[] ids = [0, 4, 1, 2, 3, 0, 1, 2, 3, 1];
        var whole = Dataset.FromClassIds(x, ids).Profile();

        var chunked = new DatasetProfiler([2]);
        chunked.AddClassIds(x.Span[..8], ids.AsSpan(0, 4));
        chunked.AddClassIds(x.Span[8..], ids.AsSpan(4));

        Assert.Equal(whole with { FeatureShape = [] }, chunked.Summary with { FeatureShape = [] });
        Assert.Equal(4, whole.MaxClassId);
        Assert.Throws<DatasetException>(() => whole.CheckFits(2, 4, LossKind.SoftmaxCrossEntropy));
        var negative = Assert.Throws<DatasetException>(() => chunked.AddClassIds(x.Span[..2], [-1]));
        Assert.Equal("class_ids[0]", negative.Field);
    }
}
