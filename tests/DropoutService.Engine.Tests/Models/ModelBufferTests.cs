using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.Checkpoints;
using DropoutService.Engine.Tests.TestSupport;
using DropoutService.Engine.Tests.TestSupport.RunningMean;
using DropoutService.Engine.Training;

namespace DropoutService.Engine.Tests.Models;

/// <summary>
/// The buffer machinery, with the test-only <see cref="RunningMeanSpec"/> (a mean-only batch norm)
/// standing in for batch norm: who may change buffers, what clones and replicas share, checkpoints.
/// </summary>
public class ModelBufferTests
{
    private static readonly ModelSpec s_spec = new()
    {
        InputSize = 3,
        Layers = [LayerSpec.Dense(4), new RunningMeanSpec(Momentum: 0.5f, InitialMean: 0.25f), LayerSpec.Relu(), LayerSpec.Dense(2)],
        Seed = 3,
    };

    private static Tensor Input(ulong seed = 1) => GradientChecker.Random(6, 3, seed);

    private static float[] RunningMean(Model model) => model.Buffers[0].Value.ToArray();

    [Fact]
    public void Create_DeclaresNamedBuffers_InitialisedBySpec()
    {
        var model = Model.Create(s_spec);

        Assert.Equal(["running_mean_test1.running_mean", "running_mean_test1.batches_tracked"], model.Buffers.Select(b => b.FullName));
        Assert.Equal(new TensorShape(4), model.Buffers[0].Value.Shape);
        Assert.All(RunningMean(model), v => Assert.Equal(0.25f, v));
        Assert.Equal([0f], model.Buffers[1].Value.ToArray());
        Assert.Same(model.Buffers[0], model.Layers[1].Buffers[0]);
        Assert.Equal(4 + 1, ModelLayout.For(s_spec).BufferElementCount);
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, model.ParameterCount); // buffers are not parameters
    }

    [Fact]
    public void Forward_OnlyTrainWithUpdateBuffers_ChangesBuffers()
    {
        var model = Model.Create(s_spec);
        var x = Input();
        var initial = RunningMean(model);

        model.Forward(x, new ForwardPass(ForwardMode.Train, 1, 0));
        model.Backward(GradientChecker.Random(6, 2, 9));
        model.Forward(x, ForwardPass.Eval);
        model.Forward(x, new ForwardPass(ForwardMode.McDropout, 1, 0));
        Assert.Equal(initial, RunningMean(model));

        model.Forward(x, new ForwardPass(ForwardMode.Train, 1, 0, UpdateBuffers: true));
        Assert.NotEqual(initial, RunningMean(model));
        Assert.Equal([1f], model.Buffers[1].Value.ToArray());
    }

    [Fact]
    public void Forward_EvalUsesRunningMean_TrainUsesBatchMean()
    {
        var model = Model.Create(s_spec);
        var x = Input();
        var hidden = model.Layers[0].Forward(x, ForwardPass.Eval).ToArray(); // dense0 output (6, 4)

        var eval = model.Layers[1].Forward(Tensor.FromSpan(6, 4, hidden), ForwardPass.Eval).ToArray();
        var train = model.Layers[1].Forward(Tensor.FromSpan(6, 4, hidden), new ForwardPass(ForwardMode.Train)).ToArray();

        Assert.Equal(hidden[5] - 0.25f, eval[5]);
        for (int c = 0; c < 4; c++)
        {
            double column = 0;
            for (int r = 0; r < 6; r++)
            {
                column += train[r * 4 + c];
            }
            Assert.True(Math.Abs(column) < 1e-5, $"column {c} of a batch-centred output sums to {column}");
        }
    }

    [Fact]
    public void Forward_UpdateBuffersOutsideTrainMode_Rejected()
    {
        var model = Model.Create(s_spec);

        Assert.Throws<ArgumentException>(() => model.Forward(Input(), new ForwardPass(ForwardMode.Eval, UpdateBuffers: true)));
        Assert.Throws<ArgumentException>(() => model.Forward(Input(), new ForwardPass(ForwardMode.McDropout, UpdateBuffers: true)));
        Assert.All(RunningMean(model), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void Replicate_SharesBuffersReadOnly_BothRefuseBufferUpdates()
    {
        var model = Model.Create(s_spec);
        Assert.True(model.CanUpdateBuffers);

        var replica = model.Replicate();

        Assert.Same(model.Buffers[0].Value, replica.Buffers[0].Value);
        Assert.False(model.CanUpdateBuffers);
        Assert.False(replica.CanUpdateBuffers);
        var training = new ForwardPass(ForwardMode.Train, 1, 0, UpdateBuffers: true);
        Assert.Throws<InvalidOperationException>(() => replica.Forward(Input(), training));
        Assert.Throws<InvalidOperationException>(() => model.Forward(Input(), training));
        Assert.Throws<InvalidOperationException>(() => new Trainer(replica, new TrainingOptions { Epochs = 1 }).Fit(Dataset.FromClassIds(Input(), [0, 1, 0, 1, 0, 1])));
        Assert.All(RunningMean(model), v => Assert.Equal(0.25f, v));
        model.Forward(Input(), new ForwardPass(ForwardMode.Train, 1, 0)); // batch statistics without updates stay allowed
    }

    [Fact]
    public void Clone_DeepCopiesBuffers_AndCanUpdateThem()
    {
        var model = Model.Create(s_spec);
        _ = model.Replicate();

        var clone = model.Clone();
        clone.Forward(Input(), new ForwardPass(ForwardMode.Train, 1, 0, UpdateBuffers: true));

        Assert.True(clone.CanUpdateBuffers);
        Assert.NotSame(model.Buffers[0].Value, clone.Buffers[0].Value);
        Assert.All(RunningMean(model), v => Assert.Equal(0.25f, v));
        Assert.NotEqual(RunningMean(model), RunningMean(clone));
    }

    [Fact]
    public void TrainingClone_UpdatesItsBuffers_ReplicasNeverSeeThem()
    {
        // The server's pattern: a published prototype serves through replicas; training works on a clone.
        var prototype = Model.Create(s_spec);
        var replicas = Enumerable.Range(0, 3).Select(_ => prototype.Replicate()).ToArray();
        var x = Input(5);
        var before = replicas.Select(r => r.Predict(x).ToArray()).ToArray();
        var initial = RunningMean(prototype);

        var training = prototype.Clone();
        var result = new Trainer(training, new TrainingOptions { Epochs = 3, BatchSize = 2, Seed = 4 })
            .Fit(Dataset.FromClassIds(GradientChecker.Random(8, 3, 6), [0, 1, 1, 0, 1, 0, 0, 1]));

        Assert.Equal(result.Steps, (long)training.Buffers[1].Value.Span[0]); // one batch counted per step
        Assert.NotEqual(initial, RunningMean(training));
        Assert.Equal(initial, RunningMean(prototype));
        for (int i = 0; i < replicas.Length; i++)
        {
            Assert.Equal(initial, RunningMean(replicas[i]));
            CheckpointSamples.AssertBitwiseEqual(before[i], replicas[i].Predict(x).Span, $"replica {i} predictions");
        }
    }

    [Fact]
    public void Fit_EarlyStoppingRestoresTheBestEpochsBuffersWithItsWeights()
    {
        var model = Model.Create(s_spec);
        var data = Dataset.FromClassIds(GradientChecker.Random(40, 3, 7), [.. Enumerable.Range(0, 40).Select(i => i % 2)]);
        var snapshots = new List<float[]>();
        var options = new TrainingOptions
        {
            Epochs = 12, BatchSize = 4, LearningRate = 0.5f, ValidationSplit = 0.25f, EarlyStoppingPatience = 2, Seed = 8,
        };

        // The callback runs after each epoch's validation: record the running mean of every epoch.
        var result = new Trainer(model, options).Fit(data, _ => snapshots.Add(RunningMean(model)));

        Assert.True(result.BestEpoch < result.History.Count, "the scenario needs early stopping to restore an earlier epoch");
        Assert.Equal(snapshots[result.BestEpoch - 1], RunningMean(model));
    }

    [Fact]
    public void Fit_StoppedAndResumedFromItsState_BuffersAndWeightsBitwiseAsUninterrupted()
    {
        var data = Dataset.FromClassIds(GradientChecker.Random(30, 3, 9), [.. Enumerable.Range(0, 30).Select(i => i % 2)]);
        var options = new TrainingOptions { Epochs = 6, BatchSize = 4, LearningRate = 0.1f, Seed = 5 };
        var uninterrupted = Model.Create(s_spec);
        new Trainer(uninterrupted, options).Fit(data);

        byte[]? saved = null;
        using var stop = new CancellationTokenSource();
        var first = Model.Create(s_spec);
        Assert.Throws<OperationCanceledException>(() => new Trainer(first, options).Fit(data, null, (m, boundary) =>
        {
            if (m.Epoch == 3)
            {
                saved = TrainingStateFile.Serialize(boundary.ExportState());
                stop.Cancel();
            }
        }, stop.Token));
        var resumed = Model.Create(s_spec); // initial buffers: the state must overwrite them
        new Trainer(resumed, options).Fit(data, TrainingStateFile.Deserialize(saved), null, CancellationToken.None);

        Assert.Equal(3 * 8 + 3 * 8, (long)resumed.Buffers[1].Value.Span[0]); // 8 batches per epoch, counted across the resume
        Assert.Equal(
            CheckpointFile.Serialize(Checkpoint.FromModel(uninterrupted, null, new TrainingMetadata())),
            CheckpointFile.Serialize(Checkpoint.FromModel(resumed, null, new TrainingMetadata())));
    }

    [Fact]
    public void Checkpoint_RoundTripsBuffers_AndPredictsBitwise()
    {
        var model = Model.Create(s_spec);
        model.Forward(Input(2), new ForwardPass(ForwardMode.Train, 1, 0, UpdateBuffers: true));
        var x = Input(3);
        var expected = model.Predict(x).ToArray();

        var checkpoint = Checkpoint.FromModel(model, null, new TrainingMetadata());
        model.Forward(Input(4), new ForwardPass(ForwardMode.Train, 1, 1, UpdateBuffers: true)); // the snapshot must not follow
        var restored = CheckpointFile.Deserialize(CheckpointFile.Serialize(checkpoint));

        Assert.Equal(["running_mean_test1.batches_tracked", "running_mean_test1.running_mean"], restored.Buffers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1f], restored.Buffers["running_mean_test1.batches_tracked"].ToArray());
        CheckpointSamples.AssertEquivalent(checkpoint, restored);
        CheckpointSamples.AssertBitwiseEqual(expected, restored.CreateModel(model.Blas).Predict(x).Span, "predictions");
    }

    [Fact]
    public void Serialize_MissingOrMisshapenBuffer_ThrowsArgumentException()
    {
        var checkpoint = Checkpoint.FromModel(Model.Create(s_spec), null, new TrainingMetadata());
        var missing = checkpoint.Buffers.Where(b => !b.Key.EndsWith("running_mean", StringComparison.Ordinal)).ToDictionary();
        var misshapen = checkpoint.Buffers.ToDictionary();
        misshapen["running_mean_test1.running_mean"] = new Tensor(1, 4);

        Assert.Throws<ArgumentException>(() => CheckpointFile.Serialize(checkpoint with { Buffers = missing }));
        Assert.Throws<ArgumentException>(() => CheckpointFile.Serialize(checkpoint with { Buffers = misshapen }));
        Assert.Throws<ArgumentException>(() => Model.FromState(s_spec, checkpoint.Parameters, misshapen));
    }

    [Fact]
    public void FromParameters_WithoutBuffers_InitialisesThem()
    {
        var model = Model.Create(s_spec);
        model.Forward(Input(), new ForwardPass(ForwardMode.Train, 1, 0, UpdateBuffers: true));

        var rebuilt = Model.FromParameters(s_spec, model.Parameters.ToDictionary(p => p.FullName, p => p.Value.Clone()));

        Assert.All(RunningMean(rebuilt), v => Assert.Equal(0.25f, v));
        Assert.Equal([0f], rebuilt.Buffers[1].Value.ToArray());
    }

    [Fact]
    public void Optimizer_NeverSeesBuffers()
    {
        var model = Model.Create(s_spec);
        var result = new Trainer(model, new TrainingOptions { Epochs = 1, BatchSize = 3, Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam } })
            .Fit(Dataset.FromClassIds(Input(), [0, 1, 0, 1, 0, 1]));

        Assert.DoesNotContain(result.OptimizerState.Buffers.Keys, k => k.StartsWith("running_mean_test1", StringComparison.Ordinal));
        Assert.Equal(model.Parameters.Count * 2, result.OptimizerState.Buffers.Count);
    }

    [Theory]
    [InlineData(ForwardMode.Train)]
    [InlineData(ForwardMode.Eval)]
    public void RunningMeanLayer_Backward_MatchesCentralDifferences(ForwardMode mode)
    {
        // The test layer itself must be right for the tests above to mean anything.
        var layer = TestLayers.Create<ILayer>(new RunningMeanSpec(), 0, 5);
        GradientChecker.CheckLayer(layer, GradientChecker.Random(4, 5, 10), new ForwardPass(mode), seed: 11);
    }
}
