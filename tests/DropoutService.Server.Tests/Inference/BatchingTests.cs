using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Inference;

// The dynamic batcher over real sockets. Two models with the same spec and seed: "on" batches
// (with a queue delay long enough that concurrent callers surely share batches), "off" runs every
// call alone. A row predicted in a batch must be bitwise the row predicted alone.
public sealed class BatchingTests
{
    private const string On = "on";
    private const string Off = "off";

    [Fact]
    public async Task Predict_ManyConcurrentCallersWithDistinctInputs_EachGetsItsOwnRowsBitwise()
    {
        await using var server = await StartAsync(delayMicroseconds: 100_000);
        await CreatePairAsync(server, Specs.Classifier(20, 5, dropout: 0.5f, hidden: 300));
        using var batches = new MetricRecorder(server, "dropout.inference.batch.requests");
        var inputs = Enumerable.Range(0, 48).Select(i => Specs.Values(i % 3 + 1, 20, Specs.Random((i % 3 + 1) * 20, 100 + i))).ToArray();

        var batched = await Task.WhenAll(inputs.Select(x => server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = x }).ResponseAsync));

        for (int i = 0; i < inputs.Length; i++)
        {
            var alone = await server.Inference.PredictAsync(new PredictRequest { ModelId = Off, Inputs = inputs[i] });
            Assert.Equal(Specs.Floats(alone.Outputs), Specs.Floats(batched[i].Outputs));
            Assert.Equal(Specs.Floats(alone.Probabilities), Specs.Floats(batched[i].Probabilities));
            Assert.Equal(alone.ClassIds, batched[i].ClassIds);
        }
        Assert.Contains(batches.Values, b => b.Kind == "eval" && b.Value >= 2);
        // Distinct inputs give distinct rows: nobody received a neighbour's answer.
        Assert.Equal(inputs.Length, batched.Select(b => string.Join(",", Specs.Floats(b.Outputs))).Distinct().Count());
    }

    [Fact]
    public async Task PredictMonteCarlo_BatchedCallers_EachKeepsItsOwnSeedsMasks()
    {
        await using var server = await StartAsync(delayMicroseconds: 100_000);
        await CreatePairAsync(server, Specs.Classifier(12, 4, dropout: 0.5f, hidden: 290));
        using var batches = new MetricRecorder(server, "dropout.inference.batch.requests");
        var shared = Specs.Values(2, 12, Specs.Random(24, 7));
        // Same input with different seeds, different inputs with the same seed, and a second sample count.
        var requests = Enumerable.Range(0, 24).Select(i => new PredictRequest
        {
            Inputs = i % 4 == 0 ? shared : Specs.Values(i % 3 + 1, 12, Specs.Random((i % 3 + 1) * 12, 300 + i)),
            McSamples = i % 5 == 0 ? 9 : 8,
            Seed = (ulong)(i % 6),
        }).ToArray();

        var batched = await Task.WhenAll(requests.Select(r => server.Inference.PredictAsync(Clone(r, On)).ResponseAsync));

        for (int i = 0; i < requests.Length; i++)
        {
            var alone = await server.Inference.PredictAsync(Clone(requests[i], Off));
            Assert.Equal(Specs.Floats(alone.Probabilities), Specs.Floats(batched[i].Probabilities));
            Assert.Equal(Specs.Floats(alone.StandardDeviation), Specs.Floats(batched[i].StandardDeviation));
            Assert.Equal(alone.PredictiveEntropy, batched[i].PredictiveEntropy);
            Assert.Equal(alone.ClassIds, batched[i].ClassIds);
        }
        Assert.Contains(batches.Values, b => b.Kind == "monte_carlo" && b.Value >= 2);
        // The same input under seeds 0 and 4 drew different masks.
        Assert.NotEqual(Specs.Floats(batched[0].StandardDeviation), Specs.Floats(batched[4].StandardDeviation));
    }

    // Thousands of random rows one per call (batched) against the same rows in one request
    // (alone, in passes of 256 rows), on a model whose depths cross the GEMM's 256-deep blocks.
    [Fact]
    public async Task Predict_TwoThousandRandomRowsBatched_BitwiseEqualToOneRequest()
    {
        await using var server = await StartAsync(delayMicroseconds: 0);
        var spec = new ModelSpec { InputSize = 300, Loss = Loss.SoftmaxCrossEntropy, Seed = 3 };
        spec.Layers.Add(Specs.Dense(520));
        spec.Layers.Add(Specs.Relu());
        spec.Layers.Add(Specs.Dropout(0.5f));
        spec.Layers.Add(Specs.Dense(270));
        spec.Layers.Add(Specs.Tanh());
        spec.Layers.Add(Specs.Dense(10));
        await CreatePairAsync(server, spec);
        const int rows = 2000;
        var data = Specs.Random(rows * 300, 5);

        var whole = Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = Off, Inputs = Specs.Raw(rows, 300, data), OutputEncoding = TensorEncoding.Raw })).Outputs);
        var single = await ParallelRowsAsync(server, On, data, rows, 300, concurrency: 32);

        Assert.Equal(whole, single);
    }

    [Fact]
    public async Task Predict_DigitsModelTestSetBatched_BitwiseEqualToAlone()
    {
        await using var server = await StartAsync(delayMicroseconds: 0);
        var spec = new ModelSpec { InputSize = Digits.Features, Loss = Loss.SoftmaxCrossEntropy, Seed = 11 };
        foreach (var layer in new[] { Specs.Dense(256), Specs.Relu(), Specs.Dropout(0.2f), Specs.Dense(256), Specs.Relu(), Specs.Dropout(0.2f), Specs.Dense(Digits.Classes) })
        {
            spec.Layers.Add(layer);
        }
        var (train, test) = Digits.Split(seed: 2);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = On, Spec = spec });
        await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = On, Dataset = train, Options = new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.05f, Seed = 1 } });
        int rows = (int)test.Features.Shape[0];
        var data = Specs.Floats(test.Features);

        var alone = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            alone.AddRange(Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(1, Digits.Features, data.AsSpan(r * Digits.Features, Digits.Features).ToArray()) })).Outputs));
        }
        var batched = await ParallelRowsAsync(server, On, data, rows, Digits.Features, concurrency: 24);
        var whole = Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = test.Features })).Outputs);

        Assert.Equal(alone.ToArray(), batched);
        Assert.Equal(alone.ToArray(), whole);
    }

    [Fact]
    public async Task Predict_QueuedCallersWhoseDeadlinePassesOrWhoCancel_LeaveTheBatch_OthersUnaffected()
    {
        // The batch waits 5 s for more callers: far longer than the test's own steps can be late.
        await using var server = await StartAsync(delayMicroseconds: 5_000_000);
        await CreatePairAsync(server, Specs.Classifier(6, 3, hidden: 40));
        using var rows = new MetricRecorder(server, "dropout.inference.batch.size");
        var b = Specs.Values(1, 6, Specs.Random(6, 1));
        using var cancel = new CancellationTokenSource();

        var first = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = b }).ResponseAsync;
        await Task.Delay(50);
        var expiring = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(2, 6, Specs.Random(12, 2)) }, deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync;
        var cancelled = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(3, 6, Specs.Random(18, 3)) }, cancellationToken: cancel.Token).ResponseAsync;
        await Task.Delay(300);
        cancel.Cancel();

        Assert.Equal(StatusCode.DeadlineExceeded, (await Assert.ThrowsAsync<RpcException>(() => expiring)).StatusCode);
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => cancelled)).StatusCode);
        var result = await first;
        var alone = await server.Inference.PredictAsync(new PredictRequest { ModelId = Off, Inputs = b });
        Assert.Equal(Specs.Floats(alone.Outputs), Specs.Floats(result.Outputs));
        // The only batch that ran on "on" held the one row of the caller that stayed.
        Assert.Equal([1.0], rows.Values.Where(v => v.Kind == "eval").Select(v => v.Value).Take(1));
        Assert.Equal(2, rows.Values.Count(v => v.Kind == "eval"));
    }

    // A long Monte-Carlo batch of two callers: one leaves while it runs; the other still gets
    // exactly its unbatched result.
    [Fact]
    public async Task PredictMonteCarlo_CallerCancelsWhileItsBatchRuns_TheOtherGetsItsResult()
    {
        await using var server = await StartAsync(delayMicroseconds: 300_000, "--Limits:MaxMcSamples=20000");
        await CreatePairAsync(server, Specs.Classifier(300, 10, dropout: 0.5f, hidden: 1024));
        using var batches = new MetricRecorder(server, "dropout.inference.batch.requests");
        var stays = new PredictRequest { Inputs = Specs.Raw(30, 300, Specs.Random(30 * 300, 8)), McSamples = 5000, Seed = 5 };
        using var cancel = new CancellationTokenSource();

        var staying = server.Inference.PredictAsync(Clone(stays, On)).ResponseAsync;
        var leaving = server.Inference.PredictAsync(Clone(stays, On, seed: 6), cancellationToken: cancel.Token).ResponseAsync;
        await Task.Delay(900);
        cancel.Cancel();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => leaving)).StatusCode);
        var result = await staying;
        var alone = await server.Inference.PredictAsync(Clone(stays, Off));
        Assert.Equal(Specs.Floats(alone.Probabilities), Specs.Floats(result.Probabilities));
        Assert.Equal(Specs.Floats(alone.StandardDeviation), Specs.Floats(result.StandardDeviation));
        Assert.Contains(batches.Values, v => v.Kind == "monte_carlo" && v.Value == 2);
    }

    [Fact]
    public async Task Predict_BadRequestsAmongQueuedOnes_RejectedAtOnceAndNeverJoinTheBatch()
    {
        // The good calls wait 3 s for their batch; the bad ones are answered before that.
        await using var server = await StartAsync(delayMicroseconds: 3_000_000);
        await CreatePairAsync(server, Specs.Classifier(4, 3, hidden: 20));
        using var rows = new MetricRecorder(server, "dropout.inference.batch.size");
        var good1 = Specs.Values(2, 4, Specs.Random(8, 1));
        var good2 = Specs.Values(1, 4, Specs.Random(4, 2));

        var first = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = good1 }).ResponseAsync;
        var nan = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(1, 4, 1f, float.NaN, 0f, 0f) }).ResponseAsync;
        var shape = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(1, 5, 1f, 2f, 3f, 4f, 5f) }).ResponseAsync;
        var second = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = good2 }).ResponseAsync;

        var finishedFirst = await Task.WhenAny(first, Task.WhenAll(nan, shape).ContinueWith(_ => { }, TaskScheduler.Default));
        Assert.True(!ReferenceEquals(first, finishedFirst), $"first: {first.Status} {first.Exception?.InnerException?.Message}; nan: {nan.Status}; shape: {shape.Status}");
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => nan)).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => shape)).StatusCode);
        var results = await Task.WhenAll(first, second);
        Assert.Equal(Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = Off, Inputs = good1 })).Outputs), Specs.Floats(results[0].Outputs));
        Assert.Equal(Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = Off, Inputs = good2 })).Outputs), Specs.Floats(results[1].Outputs));
        // One batch on "on" with the three good rows, then the two reference calls on "off".
        Assert.Equal([3.0, 2.0, 1.0], rows.Values.Where(v => v.Kind == "eval").Select(v => v.Value));
    }

    [Fact]
    public async Task Predict_QueueHoldsMaxQueuedRows_NextCallResourceExhausted()
    {
        await using var server = await StartAsync(delayMicroseconds: 5_000_000, $"--Inference:Batching:Models:{On}:MaxQueuedRows=4");
        await CreatePairAsync(server, Specs.Classifier(4, 3, hidden: 20));

        var waiting = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(4, 4, Specs.Random(16, 1)) }).ResponseAsync;
        await Task.Delay(100);
        var e = await Assert.ThrowsAsync<RpcException>(() => server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = Specs.Values(1, 4, Specs.Random(4, 2)) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("Inference:Batching:MaxQueuedRows", e.Status.Detail);
        Assert.Equal(4, (await waiting).ClassIds.Count);
    }

    // Batching off is the path before batching existed: every call runs alone.
    [Fact]
    public async Task Predict_BatchingDisabled_EveryCallRunsAloneWithTheSameResults()
    {
        await using var server = await ServerHost.StartAsync(null, "--Inference:Batching:Enabled=false", "--Inference:Batching:MaxQueueDelayMicroseconds=200000");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(10, 4, hidden: 300) });
        using var batches = new MetricRecorder(server, "dropout.inference.batch.requests");
        var inputs = Enumerable.Range(0, 32).Select(i => Specs.Values(1, 10, Specs.Random(10, i))).ToArray();

        var concurrent = await Task.WhenAll(inputs.Select(x => server.Inference.PredictAsync(new PredictRequest { ModelId = "m", Inputs = x }).ResponseAsync));

        Assert.Equal(32, batches.Values.Count);
        Assert.All(batches.Values, b => Assert.Equal(1.0, b.Value));
        for (int i = 0; i < inputs.Length; i++)
        {
            var again = await server.Inference.PredictAsync(new PredictRequest { ModelId = "m", Inputs = inputs[i] });
            Assert.Equal(Specs.Floats(again.Outputs), Specs.Floats(concurrent[i].Outputs));
        }
        var info = await server.Models.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.False(info.Batching.Enabled);
    }

    // Eval-mode Forward calls (with or without activations) share the eval queue with Predict.
    [Fact]
    public async Task ForwardEval_BatchedWithPredicts_EachGetsItsOwnOutputsAndActivations()
    {
        await using var server = await StartAsync(delayMicroseconds: 200_000);
        await CreatePairAsync(server, Specs.Classifier(8, 3, dropout: 0.5f, hidden: 50));
        using var batches = new MetricRecorder(server, "dropout.inference.batch.requests");
        var a = Specs.Values(2, 8, Specs.Random(16, 1));
        var b = Specs.Values(3, 8, Specs.Random(24, 2));

        var predictCall = server.Inference.PredictAsync(new PredictRequest { ModelId = On, Inputs = a }).ResponseAsync;
        var forwardCall = server.Inference.ForwardAsync(new ForwardRequest { ModelId = On, Inputs = b, IncludeActivations = true }).ResponseAsync;
        var plainCall = server.Inference.ForwardAsync(new ForwardRequest { ModelId = On, Inputs = a, Mode = ForwardMode.Eval }).ResponseAsync;
        var (predict, forward, plain) = (await predictCall, await forwardCall, await plainCall);
        var recorded = batches.Values.Select(v => v.Value).ToArray();

        Assert.Equal([3.0], recorded);
        var alone = await server.Inference.ForwardAsync(new ForwardRequest { ModelId = Off, Inputs = b, IncludeActivations = true });
        Assert.Equal(Specs.Floats(alone.Outputs), Specs.Floats(forward.Outputs));
        Assert.Equal(alone.Activations.Select(x => Specs.Floats(x.Output)), forward.Activations.Select(x => Specs.Floats(x.Output)));
        Assert.Equal(Specs.Floats(predict.Outputs), Specs.Floats(plain.Outputs));
        Assert.Empty(plain.Activations);
    }

    // Forward runs 300 eval or MC-dropout rows in two passes (256 + 44), each pass's masks counted
    // from the request's first row (train mode runs whole); Backward recomputes them in one pass:
    // the same outputs, bit for bit.
    [Theory]
    [InlineData(ForwardMode.Train)]
    [InlineData(ForwardMode.McDropout)]
    [InlineData(ForwardMode.Eval)]
    public async Task Forward_InPasses_EqualsTheOutputsBackwardRecomputes(ForwardMode mode)
    {
        await using var server = await StartAsync(delayMicroseconds: 0);
        await CreatePairAsync(server, Specs.Classifier(30, 4, dropout: 0.4f, hidden: 290));
        var inputs = Specs.Raw(300, 30, Specs.Random(300 * 30, 9));

        var forward = await server.Inference.ForwardAsync(new ForwardRequest { ModelId = On, Inputs = inputs, Mode = mode, Seed = 77, IncludeActivations = true });
        var backward = await server.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = On, Inputs = inputs, Mode = mode, Seed = 77, Targets = new BackwardTargets { ClassIds = { Enumerable.Range(0, 300).Select(i => i % 4) } },
        });

        Assert.Equal(Specs.Floats(backward.Outputs), Specs.Floats(forward.Outputs));
        Assert.Equal(Specs.Floats(forward.Outputs), Specs.Floats(forward.Activations[^1].Output));
        Assert.Equal(["dense0", "relu1", "dropout2", "dense3"], forward.Activations.Select(a => a.Layer));
    }

    [Fact]
    public async Task GetServerInfo_ShowsBatchingSettingsAndPerModelOverrides()
    {
        await using var server = await ServerHost.StartAsync(null,
            "--Inference:Batching:MaxBatchRows=48", "--Inference:Batching:MaxQueueDelayMicroseconds=250",
            "--Inference:Batching:Models:digits:MaxBatchRows=16", "--Inference:Batching:Models:SLOW:Enabled=false",
            "--Limits:MaxMemoryBytes=123456789");

        var info = await server.Models.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.True(info.Batching.Enabled);
        Assert.Equal(48, info.Batching.MaxBatchRows);
        Assert.Equal(250, info.Batching.MaxQueueDelayUs);
        Assert.Equal(8192, info.Batching.MaxQueuedRows);
        Assert.Equal(1, info.Batching.MaxConcurrentBatches);
        Assert.Equal(["digits", "slow"], info.ModelBatching.Select(m => m.ModelId));
        Assert.Equal(16, info.ModelBatching[0].Settings.MaxBatchRows);
        Assert.Equal(250, info.ModelBatching[0].Settings.MaxQueueDelayUs);
        Assert.False(info.ModelBatching[1].Settings.Enabled);
        Assert.Equal(48, info.ModelBatching[1].Settings.MaxBatchRows);
        Assert.Equal(123456789, info.Limits.MaxMemoryBytes);
        Assert.Equal(0, info.MemoryInUseBytes);
    }

    [Theory]
    [InlineData("--Inference:Batching:MaxBatchRows=0")]
    [InlineData("--Inference:Batching:Models:Bad_Id:MaxBatchRows=4")]
    [InlineData("--Inference:Batching:Models:m:MaxQueuedRows=0")]
    public async Task Start_InvalidBatchingOption_FailsNamingIt(string option)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ServerHost.StartAsync(null, option));

        Assert.Contains("Inference:Batching", e.Message);
    }

    internal static Task<ServerHost> StartAsync(int delayMicroseconds, params string[] extra) =>
        ServerHost.StartAsync(null, [$"--Inference:Batching:Models:{On}:MaxQueueDelayMicroseconds={delayMicroseconds}", $"--Inference:Batching:Models:{Off}:Enabled=false", .. extra]);

    internal static async Task CreatePairAsync(ServerHost server, ModelSpec spec)
    {
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = On, Spec = spec });
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = Off, Spec = spec });
    }

    private static PredictRequest Clone(PredictRequest request, string model, ulong? seed = null)
    {
        var copy = request.Clone();
        copy.ModelId = model;
        copy.Seed = seed ?? request.Seed;
        return copy;
    }

    // Every row as its own call, `concurrency` calls in flight at a time; outputs in row order.
    private static async Task<float[]> ParallelRowsAsync(ServerHost server, string model, float[] data, int rows, int columns, int concurrency)
    {
        var outputs = new float[rows][];
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int r;
            while ((r = Interlocked.Increment(ref next)) < rows)
            {
                var row = Specs.Values(1, columns, data.AsSpan(r * columns, columns).ToArray());
                outputs[r] = Specs.Floats((await server.Inference.PredictAsync(new PredictRequest { ModelId = model, Inputs = row })).Outputs);
            }
        }));
        return outputs.SelectMany(o => o).ToArray();
    }
}
