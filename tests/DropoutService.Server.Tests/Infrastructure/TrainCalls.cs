using DropoutService.Api.V1;
using Grpc.Core;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>Runs a Train call to the end and returns what arrived.</summary>
public static class TrainCalls
{
    public sealed record Outcome(IReadOnlyList<(EpochProgress Progress, DateTime ReceivedUtc)> Progress, TrainingCompleted Completed, DateTime CompletedUtc);

    public static async Task<Outcome> RunAsync(TrainingService.TrainingServiceClient client, TrainRequest request, CancellationToken cancellationToken = default, DateTime? deadline = null)
    {
        using var call = client.Train(request, deadline: deadline, cancellationToken: cancellationToken);
        var progress = new List<(EpochProgress, DateTime)>();
        TrainingCompleted? completed = null;
        DateTime completedAt = default;
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (message.EventCase == TrainResponse.EventOneofCase.Progress)
            {
                progress.Add((message.Progress, DateTime.UtcNow));
            }
            else
            {
                completed = message.Completed;
                completedAt = DateTime.UtcNow;
            }
        }
        return new Outcome(progress, completed ?? throw new InvalidOperationException("Train ended without a completed message."), completedAt);
    }
}
