using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Inference;

// Limits:MaxMemoryBytes: request work reserves its activations before allocating them, and
// concurrent calls share the one budget.
public sealed class MemoryBudgetTests
{
    // One row through 4 -> 50,000 (dense, ReLU, dropout) -> 3 holds about 0.6 MB of activations.
    private static ModelSpec Wide()
    {
        var spec = new ModelSpec { InputSize = 4, Loss = Loss.SoftmaxCrossEntropy, Seed = 1 };
        spec.Layers.Add(Specs.Dense(50_000));
        spec.Layers.Add(Specs.Relu());
        spec.Layers.Add(Specs.Dropout(0.5f));
        spec.Layers.Add(Specs.Dense(3));
        return spec;
    }

    [Fact]
    public async Task Predict_ActivationsBeyondTheBudget_ResourceExhaustedNamingTheLimit_SmallCallsStillServed()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxMemoryBytes=33554432");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "wide", Spec = Wide() });

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(new PredictRequest { ModelId = "wide", Inputs = Specs.Raw(300, 4, Specs.Random(1200, 1)) }).ResponseAsync);
        var forward = await Assert.ThrowsAsync<RpcException>(() => server.Inference.ForwardAsync(new ForwardRequest { ModelId = "wide", Inputs = Specs.Raw(60, 4, Specs.Random(240, 1)), IncludeActivations = true }).ResponseAsync);
        var backward = await Assert.ThrowsAsync<RpcException>(() => server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = "wide", Inputs = Specs.Raw(40, 4, Specs.Random(160, 1)), Targets = new BackwardTargets { ClassIds = { Enumerable.Repeat(1, 40) } },
        }).ResponseAsync);
        var small = await server.Inference.PredictAsync(new PredictRequest { ModelId = "wide", Inputs = Specs.Raw(8, 4, Specs.Random(32, 2)) });

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("Limits:MaxMemoryBytes", e.Status.Detail);
        Assert.Contains("more than the whole budget of 32 MiB", e.Status.Detail);
        Assert.Equal(StatusCode.ResourceExhausted, forward.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, backward.StatusCode);
        Assert.Equal(8, small.ClassIds.Count);
        Assert.Equal(0, (await server.Models.GetServerInfoAsync(new GetServerInfoRequest())).MemoryInUseBytes);
    }

    [Fact]
    public async Task Predict_WhileAnotherCallHoldsMostOfTheBudget_ResourceExhausted_ThenServedOnceItLeaves()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxMemoryBytes=33554432", "--Limits:MaxMcSamples=100000");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "wide", Spec = Wide() });
        using var cancel = new CancellationTokenSource();
        // About 24 MB for as long as it runs (tens of seconds unless cancelled).
        var holder = server.Inference.PredictAsync(new PredictRequest { ModelId = "wide", Inputs = Specs.Raw(40, 4, Specs.Random(160, 3)), McSamples = 100_000 }, cancellationToken: cancel.Token).ResponseAsync;
        long held = await WaitForMemoryAsync(server, used => used > 0);
        var request = new PredictRequest { ModelId = "wide", Inputs = Specs.Raw(20, 4, Specs.Random(80, 4)) };

        var e = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(request).ResponseAsync);
        cancel.Cancel();
        await Assert.ThrowsAsync<RpcException>(() => holder);
        await WaitForMemoryAsync(server, used => used == 0);
        var served = await server.Inference.PredictAsync(request);

        Assert.InRange(held, 20_000_000, 33_554_432);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("held by concurrent requests", e.Status.Detail);
        Assert.Contains("Limits:MaxMemoryBytes", e.Status.Detail);
        Assert.Equal(20, served.ClassIds.Count);
    }

    private static async Task<long> WaitForMemoryAsync(ServerHost server, Func<long, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            long used = (await server.Models.GetServerInfoAsync(new GetServerInfoRequest())).MemoryInUseBytes;
            if (condition(used))
            {
                return used;
            }
            Assert.True(DateTime.UtcNow < until, $"memory in use stayed at {used}");
            await Task.Delay(10);
        }
    }
}
