using System.Collections.Concurrent;
using System.Diagnostics;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace DropoutService.Server.Tests.Models;

/// <summary>
/// Three server processes on one real PostgreSQL (issue 12): creates are exclusive across
/// replicas, every version number is used once, a publish is seen by every replica, a delete is
/// never undone by a racing training, a re-created model never serves the old weights after the new,
/// and a database restart is survived without restarting the servers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReplicaTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ServerProcess> _replicas = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private static readonly ModelSpec s_spec = Specs.Classifier(3, 2, dropout: 0, hidden: 4);
    private static readonly Dataset s_data = new() { Features = Specs.Values(4, 3, Specs.Random(12, 1)), ClassIds = { 0, 1, 0, 1 } };
    private static readonly Tensor s_inputs = Specs.Values(1, 3, 1, 2, 3);

    [SkippableFact]
    public async Task CreateModel_SameIdOnThreeReplicasAtOnce_ExactlyOneSucceedsOthersAlreadyExists()
    {
        var replicas = await StartAsync(3);
        for (int round = 0; round < 5; round++)
        {
            string id = $"exclusive-{round}";
            var results = await Task.WhenAll(replicas.Select((r, i) => OutcomeAsync(() =>
                r.Models.CreateModelAsync(new CreateModelRequest { ModelId = id, Spec = Specs.Classifier(3, 2, seed: (ulong)(i + 1)) }).ResponseAsync)));

            Assert.Equal(1, results.Count(s => s == StatusCode.OK));
            Assert.Equal(2, results.Count(s => s == StatusCode.AlreadyExists));
            // Every replica serves the winner's weights.
            var winner = replicas[Array.IndexOf(results, StatusCode.OK)];
            var expected = (await winner.Inference.PredictAsync(Predict(id, 1))).Outputs;
            foreach (var replica in replicas)
            {
                await UntilAsync(async () => (await replica.Inference.PredictAsync(Predict(id, 1))).Outputs.Equals(expected));
            }
        }
    }

    [SkippableFact]
    public async Task Publish_ThousandConcurrentOverThreeReplicas_EveryNumberOnceNoneLostEveryVersionLoads()
    {
        const int Models = 8, Publishes = 1000, Workers = 12;
        var replicas = await StartAsync(3);
        for (int m = 0; m < Models; m++)
        {
            await replicas[m % 3].Models.CreateModelAsync(new CreateModelRequest { ModelId = $"pub-{m}", Spec = s_spec });
        }
        var gradients = (await replicas[0].Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = "pub-0",
            Inputs = s_inputs,
            Targets = new BackwardTargets { ClassIds = { 1 } },
        })).ParameterGradients;
        var published = new ConcurrentBag<(int Model, long Version, int Replica)>();
        int next = -1, retries = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (int job = Interlocked.Increment(ref next); job < Publishes; job = Interlocked.Increment(ref next))
            {
                int model = job % Models, replica = job % 3;
                var server = replicas[replica];
                string id = $"pub-{model}";
                while (true)
                {
                    try
                    {
                        long version = job % 10 == 0
                            ? (await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = id, Dataset = s_data, Options = new TrainingOptions { Epochs = 1 } })).Completed.Version.Version
                            : (await server.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = id, Gradients = { gradients }, LearningRate = 0.01f })).Version.Version;
                        published.Add((model, version, replica));
                        break;
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                    {
                        // Another replica is writing this model: one writer per model, so wait for it.
                        Interlocked.Increment(ref retries);
                        await Task.Delay(2);
                    }
                }
            }
        })));
        clock.Stop();
        output.WriteLine($"{Publishes} publishes in {clock.Elapsed.TotalSeconds:0.0} s, {retries} retries after FAILED_PRECONDITION (writer busy elsewhere)");

        Assert.Equal(Publishes, published.Count);
        Assert.Equal(Publishes, published.Select(p => (p.Model, p.Version)).Distinct().Count());
        for (int m = 0; m < Models; m++)
        {
            var numbers = published.Where(p => p.Model == m).Select(p => p.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(2, numbers.Count).Select(n => (long)n), numbers);
            foreach (var replica in replicas)
            {
                await UntilAsync(async () => (await replica.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = $"pub-{m}" }))
                    .Versions.Select(v => v.Version).SequenceEqual(Enumerable.Range(1, numbers.Count + 1).Select(n => (long)n)));
            }
        }
        // Every version loads (its checksum verified on the way) on a replica that did not publish it.
        foreach (var (model, version, replica) in published)
        {
            var answer = await replicas[(replica + 1) % 3].Inference.PredictAsync(Predict($"pub-{model}", version));
            Assert.Equal(version, answer.Version);
        }
    }

    [SkippableFact]
    public async Task Publish_OnOneReplica_ServedByAnotherWithinMilliseconds_Distribution()
    {
        var replicas = await StartAsync(2);
        var (a, b) = (replicas[0], replicas[1]);
        await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "visible", Spec = s_spec });
        var gradients = (await a.Inference.BackwardAsync(new BackwardRequest { ModelId = "visible", Inputs = s_inputs, Targets = new BackwardTargets { ClassIds = { 0 } } })).ParameterGradients;
        var latencies = new List<double>();
        for (int i = 0; i < 100; i++)
        {
            long version = (await a.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = "visible", Gradients = { gradients }, LearningRate = 0.01f })).Version.Version;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    Assert.Equal(version, (await b.Inference.PredictAsync(Predict("visible", version))).Version);
                    break;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                }
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        output.WriteLine($"publish on A -> served by B (ms): p50 {latencies[49]:0.0}, p90 {latencies[89]:0.0}, p99 {latencies[98]:0.0}, max {latencies[^1]:0.0}");
        Assert.Equal(100, latencies.Count);
    }

    [SkippableFact]
    public async Task Delete_RacingATrainingOnAnotherReplica_NeverResurrects()
    {
        var replicas = await StartAsync(3);
        var (a, b) = (replicas[0], replicas[1]);
        var (train, _) = Digits.Split();
        var outcomes = new List<(StatusCode Train, StatusCode Delete)>();
        for (int round = 0; round < 8; round++)
        {
            string id = $"race-{round}";
            await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = id, Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
            await UntilAsync(async () => (await b.Models.GetModelAsync(new GetModelRequest { ModelId = id })).Model.LatestVersion == 1);
            var training = OutcomeAsync(() => TrainCalls.RunAsync(a.Training, new TrainRequest { ModelId = id, Dataset = train, Options = new TrainingOptions { Epochs = 2 } }));
            await Task.Delay(round * 15);
            var deletion = await OutcomeAsync(() => b.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = id }).ResponseAsync);
            outcomes.Add((await training, deletion));

            if (deletion == StatusCode.OK)
            {
                foreach (var replica in replicas)
                {
                    await UntilAsync(async () => await OutcomeAsync(() => replica.Models.GetModelAsync(new GetModelRequest { ModelId = id }).ResponseAsync) == StatusCode.NotFound);
                }
                await Task.Delay(300);
                foreach (var replica in replicas)
                {
                    Assert.Equal(StatusCode.NotFound, await OutcomeAsync(() => replica.Models.GetModelAsync(new GetModelRequest { ModelId = id }).ResponseAsync));
                }
            }
            else
            {
                Assert.Equal(StatusCode.FailedPrecondition, deletion);
                Assert.Equal(StatusCode.OK, outcomes[^1].Train);
            }
        }
        output.WriteLine(string.Join("; ", outcomes.Select(o => $"train {o.Train} / delete {o.Delete}")));
        Assert.Contains(outcomes, o => o.Delete == StatusCode.FailedPrecondition);
    }

    [SkippableFact]
    public async Task Recreate_OnAnotherReplica_ThirdNeverServesOldWeightsAfterNew()
    {
        var replicas = await StartAsync(3);
        var (a, b, c) = (replicas[0], replicas[1], replicas[2]);
        await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "phoenix", Spec = Specs.Classifier(3, 2, seed: 1) });
        var predict = Predict("phoenix", 1);
        var old = (await a.Inference.PredictAsync(predict)).Outputs;
        await UntilAsync(async () => (await b.Inference.PredictAsync(predict)).Outputs.Equals(old));

        using var stop = new CancellationTokenSource();
        var seen = new List<Tensor?>();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    seen.Add((await b.Inference.PredictAsync(predict)).Outputs);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    seen.Add(null);
                }
            }
        });
        await c.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "phoenix" });
        await c.Models.CreateModelAsync(new CreateModelRequest { ModelId = "phoenix", Spec = Specs.Classifier(3, 2, seed: 2) });
        var reborn = (await c.Inference.PredictAsync(predict)).Outputs;
        await UntilAsync(async () => (await b.Inference.PredictAsync(predict)).Outputs.Equals(reborn));
        await stop.CancelAsync();
        await reader;

        Assert.NotEqual(old, reborn);
        Assert.All(seen, s => Assert.True(s is null || s.Equals(old) || s.Equals(reborn), "an output of neither incarnation"));
        int firstNew = seen.FindIndex(s => reborn.Equals(s));
        Assert.True(firstNew < 0 || seen.Skip(firstNew).All(s => reborn.Equals(s)), "old weights served after the new ones");
        output.WriteLine($"{seen.Count} predictions on B: {seen.Count(s => old.Equals(s))} old, {seen.Count(s => s is null)} not found, {seen.Count(s => reborn.Equals(s))} new");
    }

    [SkippableFact]
    public async Task DatabaseRestart_WhileServing_CachedPredictsAnswerWritesUnavailableAllRecover()
    {
        var replicas = await StartAsync(2);
        var (a, b) = (replicas[0], replicas[1]);
        await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "steady", Spec = s_spec });
        await TrainCalls.RunAsync(a.Training, new TrainRequest { ModelId = "steady", Dataset = s_data, Options = new TrainingOptions { Epochs = 1 } });
        await UntilAsync(async () => (await b.Inference.PredictAsync(Predict("steady", 2))).Version == 2);
        var expected = (await a.Inference.PredictAsync(Predict("steady", 0))).Outputs;

        await postgres.StopAsync();
        try
        {
            foreach (var replica in replicas)
            {
                await replica.WaitHealthAsync(ServingStatus.NotServing, TimeSpan.FromSeconds(30));
                var cached = await replica.Inference.PredictAsync(Predict("steady", 0));
                Assert.Equal(2, cached.Version);
                Assert.Equal(expected, cached.Outputs);
            }
            var create = await Assert.ThrowsAsync<RpcException>(async () => await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "during", Spec = s_spec }));
            var train = await Assert.ThrowsAsync<RpcException>(() => TrainCalls.RunAsync(b.Training, new TrainRequest { ModelId = "steady", Dataset = s_data, Options = new TrainingOptions { Epochs = 1 } }));
            Assert.Equal(StatusCode.Unavailable, create.StatusCode);
            Assert.Equal(StatusCode.Unavailable, train.StatusCode);
            Assert.DoesNotContain("Password", create.Status.Detail, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await postgres.StartAsync();
        }

        foreach (var replica in replicas)
        {
            await replica.WaitServingAsync(TimeSpan.FromSeconds(60));
        }
        await UntilAsync(async () => await OutcomeAsync(() => a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "after", Spec = s_spec }).ResponseAsync) is StatusCode.OK or StatusCode.AlreadyExists);
        var trained = await TrainCalls.RunAsync(b.Training, new TrainRequest { ModelId = "steady", Dataset = s_data, Options = new TrainingOptions { Epochs = 1 } });
        Assert.Equal(3, trained.Completed.Version.Version);
        await UntilAsync(async () => (await a.Inference.PredictAsync(Predict("steady", 3))).Version == 3);
        await UntilAsync(async () => (await b.Models.GetModelAsync(new GetModelRequest { ModelId = "after" })).Model.LatestVersion == 1);
        Assert.Equal([StatusCode.OK, StatusCode.OK], replicas.Select(r => r.HasExited ? StatusCode.Internal : StatusCode.OK));
    }

    private async Task<ServerProcess[]> StartAsync(int count)
    {
        postgres.Require();
        string database = await postgres.CreateDatabaseAsync();
        var replicas = new ServerProcess[count];
        for (int i = 0; i < count; i++)
        {
            replicas[i] = await ServerProcess.StartAsync(["--Store:Backend=postgres", $"--Store:ConnectionString={database}", "--Limits:MaxConcurrentTrainings=16"]);
            _replicas.Add(replicas[i]);
        }
        return replicas;
    }

    private static PredictRequest Predict(string id, long version) => new() { ModelId = id, Version = version, Inputs = s_inputs };

    private static async Task<StatusCode> OutcomeAsync<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
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
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.Unavailable)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the replicas did not agree within 30 s");
            await Task.Delay(20);
        }
    }
}
