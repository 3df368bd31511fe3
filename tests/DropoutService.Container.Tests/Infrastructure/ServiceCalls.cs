using DropoutService.Api.V1;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>Calls the tests make the same way against any endpoint.</summary>
public static class ServiceCalls
{
    public static TrainingOptions ShortTraining(int epochs = 8, ulong seed = 11) => new()
    {
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 0.005f,
        Optimizer = new OptimizerConfig { Kind = Optimizer.Adam },
        ValidationSplit = 0.1f,
        Seed = seed,
    };

    /// <summary>Predicts the digits test rows, asking for raw float32 outputs.</summary>
    public static PredictRequest PredictTestRows(string modelId, long version) => new()
    {
        ModelId = modelId,
        Version = version,
        Inputs = Digits.Instance.TestInputs(),
        OutputEncoding = TensorEncoding.Raw,
    };

    public static double Accuracy(PredictResponse response, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (response.ClassIds[i] == labels[i])
            {
                correct++;
            }
        }
        return (double)correct / labels.Length;
    }

    /// <summary>Runs a Train call to completion, returning every progress message and the result.</summary>
    public static async Task<(List<EpochProgress> Progress, TrainingCompleted Completed)> TrainAsync(
        TrainingService.TrainingServiceClient client, TrainRequest request, TimeSpan timeout)
    {
        using var call = client.Train(request, deadline: DateTime.UtcNow + timeout);
        var progress = new List<EpochProgress>();
        TrainingCompleted? completed = null;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var message = call.ResponseStream.Current;
            if (message.EventCase == TrainResponse.EventOneofCase.Progress)
            {
                Assert.Null(completed); // nothing may follow the completion
                progress.Add(message.Progress);
            }
            else if (message.EventCase == TrainResponse.EventOneofCase.Completed)
            {
                completed = message.Completed;
            }
        }
        Assert.NotNull(completed);
        return (progress, completed!);
    }
}
