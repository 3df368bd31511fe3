using System.Collections.Concurrent;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Google.Protobuf;

namespace DropoutService.Server.Tests.Grpc;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Predict_EightClientsWhileTrainingPublishes_EveryResponseMatchesACompleteVersion()
    {
        await using var server = await ServerHost.StartAsync();
        var (train, test) = Digits.Split(seed: 1);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "busy", Spec = Specs.Classifier(Digits.Features, Digits.Classes, dropout: 0.3f, hidden: 64) });
        var inputs = new Tensor { Shape = { 8, Digits.Features }, Values = new FloatList() };
        inputs.Values.Values.Add(test.Features.Values.Values.Take(8 * Digits.Features));
        var seen = new ConcurrentBag<(long Version, ByteString Outputs)>();
        using var stop = new CancellationTokenSource();

        // Act: 8 predictors loop on the latest version while 4 trainings publish versions 2..5.
        var predictors = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await server.Inference.PredictAsync(new PredictRequest { ModelId = "busy", Inputs = inputs, OutputEncoding = TensorEncoding.Raw });
                seen.Add((r.Version, r.Outputs.Raw));
            }
        })).ToArray();
        for (int i = 0; i < 4; i++)
        {
            await TrainCalls.RunAsync(server.Training, new TrainRequest
            {
                ModelId = "busy", Dataset = train, Options = new TrainingOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.05f, Seed = (ulong)i },
            });
            await Task.Delay(50);
        }
        await Task.Delay(100);
        stop.Cancel();
        await Task.WhenAll(predictors);

        // Assert: each response equals the pinned prediction of the version it names.
        var expected = new Dictionary<long, ByteString>();
        for (long v = 1; v <= 5; v++)
        {
            expected[v] = (await server.Inference.PredictAsync(new PredictRequest { ModelId = "busy", Version = v, Inputs = inputs, OutputEncoding = TensorEncoding.Raw })).Outputs.Raw;
        }
        Assert.Equal(5, expected.Values.Distinct().Count());
        Assert.All(seen, s => Assert.Equal(expected[s.Version], s.Outputs));
        Assert.True(seen.Select(s => s.Version).Distinct().Count() >= 3, "predictions did not overlap the trainings");
    }
}
