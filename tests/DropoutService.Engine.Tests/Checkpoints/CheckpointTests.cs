using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Checkpoints;

// Every test here builds a Model, which needs the real LossFactory.
public class CheckpointTests
{
    [Fact]
    public void CreateModel_AfterSaveAndLoad_PredictsBitwiseIdentically()
    {
        var model = Model.Create(CheckpointSamples.NoDropoutSpec);
        var input = Tensor.FromSpan(3, 4, [0.5f, -1f, 2f, 0.25f, 0f, 0f, 0f, 0f, -3f, 1e-3f, 7f, -0.5f]);
        var expected = model.Predict(input).ToArray();
        var bytes = CheckpointFile.Serialize(Checkpoint.FromModel(model, null, new TrainingMetadata()));

        var restored = CheckpointFile.Deserialize(bytes).CreateModel(model.Blas);
        var actual = restored.Forward(input, ForwardPass.Eval).ToArray();

        CheckpointSamples.AssertBitwiseEqual(expected, actual, "predictions");
    }

    [Fact]
    public void FromModel_ModelChangesAfterwards_CheckpointKeepsSnapshot()
    {
        var model = Model.Create(CheckpointSamples.Spec);
        var before = model.Parameters[0].Value.ToArray();
        var buffer = new float[] { 1f, 2f };
        var optimizer = new OptimizerState(OptimizerKind.Momentum, 5, new Dictionary<string, float[]> { ["dense0.weight/velocity"] = buffer });

        var checkpoint = Checkpoint.FromModel(model, optimizer, new TrainingMetadata());
        model.Parameters[0].Value.Span.Fill(42f);
        buffer[0] = 99f;

        CheckpointSamples.AssertBitwiseEqual(before, checkpoint.Parameters["dense0.weight"].Span, "dense0.weight");
        Assert.Equal([1f, 2f], checkpoint.Optimizer!.Buffers["dense0.weight/velocity"]);
    }

    [Fact]
    public void CreateModel_ModelTrainedAfterwards_CheckpointUnchanged()
    {
        var checkpoint = CheckpointSamples.Direct();
        var before = checkpoint.Parameters["dense3.bias"].ToArray();

        var model = checkpoint.CreateModel();
        model.Parameters.Single(p => p.FullName == "dense3.bias").Value.Span.Fill(42f);

        CheckpointSamples.AssertBitwiseEqual(before, checkpoint.Parameters["dense3.bias"].Span, "dense3.bias");
    }

    [Fact]
    public void CreateModel_HasCheckpointSpecAndValues()
    {
        var checkpoint = CheckpointSamples.Direct();

        var model = checkpoint.CreateModel();

        Assert.Equal(checkpoint.Spec, model.Spec);
        foreach (var p in model.Parameters)
        {
            CheckpointSamples.AssertBitwiseEqual(checkpoint.Parameters[p.FullName].Span, p.Value.Span, p.FullName);
        }
    }

    public static TheoryData<ModelSpec> Specs => new()
    {
        CheckpointSamples.Spec,
        CheckpointSamples.NoDropoutSpec,
        new ModelSpec
        {
            InputSize = 3,
            Loss = Engine.Losses.LossKind.BinaryCrossEntropyWithLogits,
            Layers = [LayerSpec.LeakyRelu(0.2f), LayerSpec.Dense(6), LayerSpec.Sigmoid(), LayerSpec.Dropout(0.1f), LayerSpec.Dense(2), LayerSpec.Dense(1)],
        },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void ModelLayout_AgreesWithModelParameters(ModelSpec spec)
    {
        var model = Model.Create(spec);

        var layout = CheckpointSamples.ParameterShapes(spec);

        Assert.Equal(model.Parameters.Select(p => (p.FullName, p.Value.Shape)), layout);
        Assert.Equal(layout.Sum(p => (long)p.Shape.Length), ModelLayout.For(spec).ParameterCount);
    }
}
