using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.Models;

// What the server's dynamic batcher relies on: with row-stable products a row's prediction does not
// depend on its batch, Monte-Carlo requests stacked with their own seeds equal each request alone,
// and a cancelled token stops the work between layers and samples.
public class BatchedInferenceTests
{
    private static readonly ModelSpec s_spec = new()
    {
        InputSize = 300,
        Layers = [LayerSpec.Dense(520), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(270), LayerSpec.Tanh(), LayerSpec.Dropout(0.2f), LayerSpec.Dense(10)],
        Seed = 7,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predict_RowStableModel_EveryRowOfABatchEqualsTheRowAlone(bool openBlas)
    {
        var backend = openBlas && OpenBlasOrSkip() is { } native ? native : Blas.Managed;
        var model = RowStable(backend);
        var x = Random(37, 300, 1);

        var batched = model.Predict(x).ToArray();

        for (int r = 0; r < x.Rows; r++)
        {
            var alone = model.Predict(Tensor.FromSpan(1, 300, x.Row(r))).ToArray();
            Assert.Equal(alone, batched.AsSpan(r * 10, 10).ToArray());
        }
    }

    [Fact]
    public void MonteCarlo_StackedRequestsWithOwnSeeds_EachEqualsItsRequestAlone()
    {
        var model = RowStable(Blas.Managed);
        (int Rows, ulong Seed)[] requests = [(1, 5), (3, 6), (1, 5), (9, 123456789)];
        var inputs = requests.Select((r, i) => Random(r.Rows, 300, 10 + i)).ToArray();
        var stacked = new Tensor(inputs.Sum(t => t.Rows), 300);
        int at = 0;
        foreach (var t in inputs)
        {
            t.Span.CopyTo(stacked.Span[at..]);
            at += t.Length;
        }
        var blocks = requests.Select(r => new MaskBlock(r.Rows, r.Seed)).ToArray();

        var batched = MonteCarlo.Predict(model, stacked, samples: 12, blocks);

        int row = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            var alone = MonteCarlo.Predict(model, inputs[i], 12, requests[i].Seed);
            int length = requests[i].Rows * 10;
            Assert.Equal(alone.Mean.ToArray(), batched.Mean.Span.Slice(row * 10, length).ToArray());
            Assert.Equal(alone.StandardDeviation.ToArray(), batched.StandardDeviation.Span.Slice(row * 10, length).ToArray());
            Assert.Equal(alone.PredictiveEntropy!, batched.PredictiveEntropy!.AsSpan(row, requests[i].Rows).ToArray());
            row += requests[i].Rows;
        }
        // Two requests with the same seed and different inputs are not given each other's results.
        Assert.NotEqual(batched.Mean.Span.Slice(0, 10).ToArray(), batched.Mean.Span.Slice(40, 10).ToArray());
    }

    [Fact]
    public void MonteCarlo_RequestSplitIntoRowBlocks_EqualsWholeRequest()
    {
        var model = RowStable(Blas.Managed);
        var x = Random(20, 300, 3);
        var whole = MonteCarlo.Predict(model, x, 5, seed: 77);

        var first = MonteCarlo.Predict(model, Tensor.FromSpan(8, 300, x.Span[..(8 * 300)]), 5, new[] { new MaskBlock(8, 77) });
        var second = MonteCarlo.Predict(model, Tensor.FromSpan(12, 300, x.Span[(8 * 300)..]), 5, new[] { new MaskBlock(12, 77, FirstRow: 8) });

        Assert.Equal(whole.Mean.ToArray(), first.Mean.ToArray().Concat(second.Mean.ToArray()).ToArray());
        Assert.Equal(whole.StandardDeviation.ToArray(), first.StandardDeviation.ToArray().Concat(second.StandardDeviation.ToArray()).ToArray());
    }

    [Fact]
    public void Forward_CancelledToken_ThrowsBeforeAnyLayer_UncancelledRuns()
    {
        var model = Model.Create(s_spec);
        var x = Random(2, 300, 4);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => model.Forward(x, ForwardPass.Eval, cts.Token));
        Assert.Equal(model.Predict(x).ToArray(), model.Forward(x, ForwardPass.Eval, CancellationToken.None).ToArray());
    }

    // Ten million samples would run for minutes: the call can only end in OperationCanceledException
    // (rather than a result) if the token is observed between samples once it is cancelled.
    [Fact]
    public async Task MonteCarlo_TokenCancelledWhileRunning_Throws()
    {
        var model = Model.Create(s_spec);
        var x = Random(1, 300, 5);
        using var cts = new CancellationTokenSource();
        var run = Task.Run(() => MonteCarlo.Predict(model, x, 10_000_000, 1, cts.Token));
        await Task.Delay(50);

        cts.Cancel();

        await Assert.ThrowsAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void ReplicateWith_SharesValuesUsesTheGivenBackendAndAllocatesNoGradients()
    {
        var prototype = Model.Create(s_spec);
        var stable = Blas.RowStable(Blas.Managed);

        var replica = prototype.ReplicateWith(stable);

        Assert.Same(stable, replica.Blas);
        Assert.All(prototype.Parameters.Zip(replica.Parameters), pair => Assert.Same(pair.First.Value, pair.Second.Value));
        var x = Random(3, 300, 8);
        Assert.Equal(prototype.Predict(x).ToArray().Length, replica.Predict(x).ToArray().Length);
        // Gradients are allocated on first use (zeros), per replica.
        Assert.All(replica.Parameters.Zip(prototype.Parameters), pair => Assert.NotSame(pair.First.Gradient, pair.Second.Gradient));
        Assert.All(replica.Parameters, p => Assert.All(p.Gradient.ToArray(), g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void MonteCarlo_NoBlocks_Throws()
    {
        Assert.Throws<ArgumentException>(() => MonteCarlo.Predict(Model.Create(s_spec), Random(1, 300, 1), 3, ReadOnlyMemory<MaskBlock>.Empty));
    }

    private static Model RowStable(IBlas backend) => Model.Create(s_spec).ReplicateWith(Blas.RowStable(backend));

    private static IBlas? OpenBlasOrSkip()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        bool loaded = OpenBlas.TryCreate(out var blas);
        Assert.True(loaded || !ci, "CI=true but libopenblas could not be loaded.");
        return blas;
    }

    private static Tensor Random(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var t = new Tensor(rows, columns);
        var span = t.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (float)random.NextDouble();
        }
        return t;
    }
}
