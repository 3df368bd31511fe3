using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>Create, train with streamed progress, predict, restart, predict again — on real data.</summary>
public sealed class DigitsEndToEndTests
{
    [Fact]
    public async Task TrainPredictRestart_Digits_AccurateAndBitwiseIdenticalAfterRestart()
    {
        // Arrange: MLP 64-128-128-10 with dropout 0.5 (drop probability), SGD momentum.
        var (train, test) = Digits.Split(seed: 0);
        string store = ServerHost.NewStoreDirectory();
        var spec = new ModelSpec { InputSize = Digits.Features, Loss = Loss.SoftmaxCrossEntropy, Seed = 7 };
        spec.Layers.Add(Specs.Dense(128));
        spec.Layers.Add(Specs.Relu());
        spec.Layers.Add(Specs.Dropout(0.5f));
        spec.Layers.Add(Specs.Dense(128));
        spec.Layers.Add(Specs.Relu());
        spec.Layers.Add(Specs.Dropout(0.5f));
        spec.Layers.Add(Specs.Dense(Digits.Classes));
        const int epochs = 40;

        PredictResponse before;
        TrainCalls.Outcome outcome;
        await using (var server = await ServerHost.StartAsync(store))
        {
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "digits", Spec = spec });

            // Act: train, then predict the held-out 20%.
            outcome = await TrainCalls.RunAsync(server.Training, new TrainRequest
            {
                ModelId = "digits",
                Dataset = train,
                Options = new TrainingOptions
                {
                    Epochs = epochs,
                    BatchSize = 32,
                    LearningRate = 0.05f,
                    Optimizer = new OptimizerConfig { Kind = Optimizer.Momentum, Momentum = 0.9f },
                    WeightDecay = 1e-4f,
                    Seed = 3,
                },
            });
            before = await server.Inference.PredictAsync(new PredictRequest
            {
                ModelId = "digits",
                Inputs = test.Features,
                OutputEncoding = TensorEncoding.Raw,
            });
        }

        // Assert: progress streamed once per epoch, in order, before the end.
        Assert.Equal(Enumerable.Range(1, epochs), outcome.Progress.Select(p => p.Progress.Epoch));
        Assert.True(outcome.Progress[0].ReceivedUtc < outcome.CompletedUtc, "the first progress message arrived only with the result");
        Assert.True(outcome.Progress[^1].Progress.TrainLoss < outcome.Progress[0].Progress.TrainLoss);
        Assert.Equal(2, outcome.Completed.Version.Version);
        Assert.Equal(VersionSource.Trained, outcome.Completed.Version.Source);

        int correct = before.ClassIds.Zip(test.ClassIds).Count(p => p.First == p.Second);
        double accuracy = (double)correct / test.ClassIds.Count;
        Assert.True(accuracy >= 0.96, $"test accuracy {accuracy:P2} < 96%");
        Assert.Equal(2, before.Version);

        // Restart on the same store: the same version answers with bitwise-identical outputs.
        await using var restarted = await ServerHost.StartAsync(store);
        var after = await restarted.Inference.PredictAsync(new PredictRequest
        {
            ModelId = "digits",
            Inputs = test.Features,
            OutputEncoding = TensorEncoding.Raw,
        });
        Assert.Equal(2, after.Version);
        Assert.Equal(before.Outputs.Raw, after.Outputs.Raw);
        Assert.Equal(before.Probabilities.Raw, after.Probabilities.Raw);
        Assert.Equal(before.ClassIds, after.ClassIds);
    }
}
