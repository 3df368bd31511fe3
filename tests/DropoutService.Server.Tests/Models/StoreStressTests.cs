using System.Collections.Concurrent;
using System.Diagnostics;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Models;

/// <summary>
/// 32,000 Create/Delete/Get/Predict/Train calls on one model id from 16 concurrent callers
/// (issue 13): every call ends OK, NOT_FOUND, ALREADY_EXISTS or FAILED_PRECONDITION, and what the
/// API says at the end is what a restart finds. Bounded: the run is cancelled after 5 minutes.
/// </summary>
public sealed class StoreStressTests(ITestOutputHelper output)
{
    private const int Calls = 32_000;
    private const int Callers = 16;
    private const string Id = "contested";

    private static readonly StatusCode[] s_allowed = [StatusCode.OK, StatusCode.NotFound, StatusCode.AlreadyExists, StatusCode.FailedPrecondition];

    [Fact]
    public async Task MixedCallsOnOneId_ManyCallers_OnlyExpectedStatusesAndConsistentAfterRestart()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var server = await ServerHost.StartAsync(store, "--Limits:MaxConcurrentTrainings=64");
        var spec = Specs.Classifier(3, 2, hidden: 4);
        var dataset = new Dataset { Features = Specs.Values(4, 3, Specs.Random(12, 1)), ClassIds = { 0, 1, 0, 1 } };
        var inputs = Specs.Values(1, 3, 1, 2, 3);
        var outcomes = new ConcurrentDictionary<(string Call, StatusCode Status), int>();
        int next = 0;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();

        async Task CallerAsync(int seed)
        {
            var random = new Random(seed);
            while (Interlocked.Increment(ref next) <= Calls && !bound.IsCancellationRequested)
            {
                int pick = random.Next(100);
                string call = pick switch { < 20 => "Create", < 40 => "Delete", < 60 => "Get", < 90 => "Predict", _ => "Train" };
                StatusCode status;
                try
                {
                    switch (call)
                    {
                        case "Create":
                            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = Id, Spec = spec });
                            break;
                        case "Delete":
                            await server.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = Id });
                            break;
                        case "Get":
                            await server.Models.GetModelAsync(new GetModelRequest { ModelId = Id });
                            break;
                        case "Predict":
                            await server.Inference.PredictAsync(new PredictRequest { ModelId = Id, Inputs = inputs });
                            break;
                        default:
                            await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = Id, Dataset = dataset, Options = new TrainingOptions { Epochs = 1 } });
                            break;
                    }
                    status = StatusCode.OK;
                }
                catch (RpcException e)
                {
                    status = e.StatusCode;
                    if (!s_allowed.Contains(status))
                    {
                        output.WriteLine($"{call}: {status} {e.Status.Detail}");
                    }
                }
                outcomes.AddOrUpdate((call, status), 1, (_, n) => n + 1);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(() => CallerAsync(i))));
        clock.Stop();

        int done = outcomes.Values.Sum();
        foreach (var ((call, status), count) in outcomes.OrderBy(o => o.Key.Call).ThenBy(o => o.Key.Status))
        {
            output.WriteLine($"{call,-8} {status,-20} {count,6}");
        }
        output.WriteLine($"{done} calls in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Calls, done);
        Assert.All(outcomes.Keys, k => Assert.Contains(k.Status, s_allowed));
        foreach (string call in new[] { "Create", "Delete", "Get", "Predict", "Train" })
        {
            Assert.True(outcomes.GetValueOrDefault((call, StatusCode.OK)) > 0, $"no {call} succeeded: the mix did not exercise it");
        }

        // What the API says now is what a restart finds.
        ListModelVersionsResponse? versions = null;
        try
        {
            versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = Id });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
        }
        await server.StopAsync();
        await using var restarted = await ServerHost.StartAsync(store);
        if (versions is null)
        {
            var gone = await Assert.ThrowsAsync<RpcException>(async () => await restarted.Models.GetModelAsync(new GetModelRequest { ModelId = Id }));
            Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        }
        else
        {
            var after = await restarted.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = Id });
            Assert.Equal(versions.Versions.Select(v => v.Version), after.Versions.Select(v => v.Version));
            Assert.Empty(after.CorruptVersions);
        }
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(store), e => Path.GetFileName(e).StartsWith(".deleted-", StringComparison.Ordinal));
    }
}
