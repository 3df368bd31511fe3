using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Models;

/// <summary>
/// The directory store's promises at the server's level: one writer process per directory (a
/// second one is refused at start), read-only followers that see what the writer publishes and
/// deletes, incarnations that keep a re-created model apart from the deleted one, and a start-up
/// sweep of what a killed writer left behind.
/// </summary>
public sealed class DirectoryStoreTests(ITestOutputHelper output)
{
    private static readonly string[] s_follower = ["--Store:ReadOnly=true", "--Store:PollIntervalSeconds=1"];

    [Fact]
    public async Task SecondWriter_SameDirectory_ExitsWithCodeOneAndOneLineNamingTheHolder()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var first = await ServerProcess.StartAsync([$"--Store:Path={store}"]);
        await using var second = await ServerProcess.StartAsync([$"--Store:Path={store}"], waitServing: false);

        int exit = await second.WaitExitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine(second.Output);
        Assert.Equal(1, exit);
        var refusal = Assert.Single(second.Output.Split('\n'), l => l.Contains("already open for writing", StringComparison.Ordinal));
        Assert.Contains($"process {first.ProcessId} on host {Environment.MachineName}", refusal, StringComparison.Ordinal);
        Assert.Contains("Store:ReadOnly=true", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal); // no stack trace
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, await first.HealthAsync());
    }

    [Fact]
    public async Task Follower_WriterCreatesTrainsDeletes_FollowerServesEachAndRefusesWrites()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var writer = await ServerHost.StartAsync(store);
        await using var follower = await ServerHost.StartAsync(store, s_follower);
        var (train, test) = Digits.Split();

        await writer.Models.CreateModelAsync(new CreateModelRequest { ModelId = "followed", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        await TrainCalls.RunAsync(writer.Training, new TrainRequest { ModelId = "followed", Dataset = train, Options = new TrainingOptions { Epochs = 1 } });
        await UntilAsync(async () => (await follower.Models.GetModelAsync(new GetModelRequest { ModelId = "followed" })).Model.LatestVersion == 2);
        var request = new PredictRequest { ModelId = "followed", Inputs = test.Features, OutputEncoding = TensorEncoding.Raw };
        var fromWriter = await writer.Inference.PredictAsync(request);
        var fromFollower = await follower.Inference.PredictAsync(request);

        Assert.Equal(2, fromFollower.Version);
        Assert.Equal(fromWriter.Outputs.Raw, fromFollower.Outputs.Raw);
        foreach (var write in new Func<Task>[]
        {
            async () => await follower.Models.CreateModelAsync(new CreateModelRequest { ModelId = "elsewhere", Spec = Specs.Classifier(3, 2) }),
            async () => await TrainCalls.RunAsync(follower.Training, new TrainRequest { ModelId = "followed", Dataset = train, Options = new TrainingOptions { Epochs = 1 } }),
            async () => await follower.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "followed" }),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(write);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("Store:ReadOnly=true", refused.Status.Detail, StringComparison.Ordinal);
        }

        await writer.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "followed" });
        await UntilAsync(async () =>
        {
            try
            {
                await follower.Models.GetModelAsync(new GetModelRequest { ModelId = "followed" });
                return false;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return true;
            }
        });
        Assert.False(Directory.Exists(Path.Combine(store, "followed")));
    }

    [Fact]
    public async Task Follower_ModelDeletedAndCreatedAgainWithinOnePoll_NeverServesTheOldWeightsAfterTheNew()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var writer = await ServerHost.StartAsync(store);
        await using var follower = await ServerHost.StartAsync(store, s_follower);
        var inputs = Specs.Values(2, 3, Specs.Random(6, 5));
        await writer.Models.CreateModelAsync(new CreateModelRequest { ModelId = "phoenix", Spec = Specs.Classifier(3, 2, seed: 1) });
        var predict = new PredictRequest { ModelId = "phoenix", Version = 1, Inputs = inputs, OutputEncoding = TensorEncoding.Raw };
        var old = (await writer.Inference.PredictAsync(predict)).Outputs.Raw;
        await UntilAsync(async () => (await follower.Inference.PredictAsync(predict)).Outputs.Raw == old);

        // The follower predicts version 1 continuously while the writer replaces the model.
        using var stop = new CancellationTokenSource();
        var seen = new List<Google.Protobuf.ByteString?>();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    seen.Add((await follower.Inference.PredictAsync(predict)).Outputs.Raw);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    seen.Add(null);
                }
            }
        });
        await writer.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "phoenix" });
        await writer.Models.CreateModelAsync(new CreateModelRequest { ModelId = "phoenix", Spec = Specs.Classifier(3, 2, seed: 2) });
        var reborn = (await writer.Inference.PredictAsync(predict)).Outputs.Raw;
        await UntilAsync(async () => (await follower.Inference.PredictAsync(predict)).Outputs.Raw == reborn);
        await stop.CancelAsync();
        await reader;

        Assert.NotEqual(old, reborn);
        Assert.All(seen, s => Assert.True(s is null || s == old || s == reborn, "an output of neither incarnation"));
        int firstNew = seen.FindIndex(s => s == reborn);
        Assert.True(firstNew < 0 || seen.Skip(firstNew).All(s => s == reborn), "the old weights were served after the new ones");
        output.WriteLine($"{seen.Count} predictions during the replacement: {seen.Count(s => s == old)} old, {seen.Count(s => s is null)} not found, {seen.Count(s => s == reborn)} new");
    }

    [Fact]
    public async Task Start_LeftoversOfAKilledWriter_SweptAndNeverVersions()
    {
        string store = ServerHost.NewStoreDirectory();
        await using (var server = await ServerHost.StartAsync(store))
        {
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "crashy", Spec = Specs.Classifier(3, 2) });
        }
        // What kill -9 during writes leaves: checkpoint and marker temp files, a half-made model folder, a tombstone.
        string temp = Path.Combine(store, "crashy", $".v000002.ckpt.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, new byte[4096]);
        string markerTemp = Path.Combine(store, "crashy", $".incarnation.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(markerTemp, "x");
        string creating = Path.Combine(store, $".creating-{Guid.NewGuid():N}");
        Directory.CreateDirectory(creating);
        File.WriteAllBytes(Path.Combine(creating, "v000001.ckpt"), new byte[10]);
        string deleted = Path.Combine(store, $".deleted-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(deleted, "sub"));

        await using var restarted = await ServerHost.StartAsync(store);

        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(markerTemp));
        Assert.False(Directory.Exists(creating));
        Assert.False(Directory.Exists(deleted));
        var versions = await restarted.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "crashy" });
        Assert.Equal([1L], versions.Versions.Select(v => v.Version));
        Assert.Empty(versions.CorruptVersions);
        var dataset = new Dataset { Features = Specs.Values(4, 3, Specs.Random(12, 1)), ClassIds = { 0, 1, 0, 1 } };
        var next = await TrainCalls.RunAsync(restarted.Training, new TrainRequest { ModelId = "crashy", Dataset = dataset, Options = new TrainingOptions { Epochs = 1 } });
        Assert.Equal(2, next.Completed.Version.Version);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the follower did not catch up within 30 s");
            await Task.Delay(100);
        }
    }
}
