using System.Diagnostics;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// A long training (many epochs on digits) stopped by the client: the call ends within a bounded
/// time, the server stops training, and no version is published.
/// </summary>
public sealed class TrainingCancellationTests
{
    // Generous: the contract is "within one batch"; this bound only catches a training that ignores the token.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(15);

    // Shutdown cancels a running training at its next batch; the grace period for in-flight calls
    // (ShutdownGracePeriodSeconds, longer than this) must not be what ends it.
    private static readonly TimeSpan s_shutdownBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Train_ClientCancelsAfterFirstEpoch_CancelledAndNothingPublished()
    {
        await using var server = await StartWithModelAsync();
        using var cts = new CancellationTokenSource();
        using var call = server.Training.Train(LongTraining(), cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });

        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        await AssertStoppedWithoutPublishingAsync(server, clock);
    }

    [Fact]
    public async Task Train_DeadlinePasses_DeadlineExceededAndNothingPublished()
    {
        await using var server = await StartWithModelAsync();
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            TrainCalls.RunAsync(server.Training, LongTraining(), deadline: DateTime.UtcNow.AddSeconds(1.5)));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        await AssertStoppedWithoutPublishingAsync(server, clock);
    }

    [Fact]
    public async Task Train_SecondConcurrentTrainOnSameModel_WaitsQueuedThenRunsAfterFirst()
    {
        await using var server = await StartWithModelAsync();
        var jobs = new JobService.JobServiceClient(server.Channel);
        using var cts = new CancellationTokenSource();
        using var first = server.Training.Train(LongTraining(), cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None));

        var quick = LongTraining();
        quick.Options = new TrainingOptions { Epochs = 1 };
        var second = TrainCalls.RunAsync(server.Training, quick);
        ListJobsResponse listed;
        do
        {
            listed = await jobs.ListJobsAsync(new ListJobsRequest { ModelId = "long" });
        }
        while (listed.Jobs.Count < 2);
        var model = await server.Models.GetModelAsync(new GetModelRequest { ModelId = "long" });
        cts.Cancel();
        var outcome = await second;

        // One writer per model: the second job waited (QUEUED) behind the first, then trained from version 1.
        Assert.Equal([JobState.Queued, JobState.Running], listed.Jobs.Select(j => j.State));
        Assert.All(listed.Jobs, j => Assert.Equal(JobOrigin.Train, j.Origin));
        Assert.True(model.Model.Training);
        Assert.Equal(2, outcome.Completed.Version.Version);
        Assert.Equal(1, outcome.Completed.Version.ParentVersion);
    }

    [Fact]
    public async Task Shutdown_DuringTraining_TrainingEndsAndNothingPublished()
    {
        string store = ServerHost.NewStoreDirectory();
        var server = await StartWithModelAsync(store);
        using var call = server.Training.Train(LongTraining());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var clock = Stopwatch.StartNew();
        var stop = server.StopAsync();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        await stop;

        Assert.True(clock.Elapsed < s_shutdownBound, $"shutdown took {clock.Elapsed}");
        Assert.Contains(e.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Cancelled });
        Assert.Equal([".incarnation", "v000001.ckpt"], Directory.GetFiles(Path.Combine(store, "long")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static async Task<ServerHost> StartWithModelAsync(string? store = null)
    {
        var server = await ServerHost.StartAsync(store);
        var spec = new ModelSpec { InputSize = Digits.Features, Loss = Loss.SoftmaxCrossEntropy, Seed = 1 };
        spec.Layers.Add(Specs.Dense(256));
        spec.Layers.Add(Specs.Relu());
        spec.Layers.Add(Specs.Dropout(0.5f));
        spec.Layers.Add(Specs.Dense(Digits.Classes));
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "long", Spec = spec });
        return server;
    }

    private static TrainRequest LongTraining() => new()
    {
        ModelId = "long",
        Dataset = Digits.Split().Train,
        Options = new TrainingOptions { Epochs = 5000, BatchSize = 16 },
    };

    private static async Task AssertStoppedWithoutPublishingAsync(ServerHost server, Stopwatch clock)
    {
        // The server lets go of the model once training has stopped.
        while ((await server.Models.GetModelAsync(new GetModelRequest { ModelId = "long" })).Model.Training)
        {
            Assert.True(clock.Elapsed < s_bound, "training still running after the call ended");
            await Task.Delay(20);
        }
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "long" });
        Assert.Equal([1L], versions.Versions.Select(v => v.Version));
        Assert.Equal([".incarnation", "v000001.ckpt"], Directory.GetFiles(Path.Combine(server.StorePath, "long")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
