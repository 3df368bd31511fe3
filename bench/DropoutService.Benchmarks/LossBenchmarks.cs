using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Benchmarks;

/// <summary>Loss and gradient on a batch of 256 rows, at a classifier's width (10) and a wide one (1000).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class LossBenchmarks
{
    private const int Rows = 256;
    private Tensor _outputs = null!;
    private Tensor _gradient = null!;
    private Targets _classIds = null!;
    private Targets _values = null!;
    private readonly SoftmaxCrossEntropyLoss _crossEntropy = new();
    private readonly MeanSquaredErrorLoss _mse = new();
    private readonly BinaryCrossEntropyWithLogitsLoss _bce = new();

    [Params(10, 1000)]
    public int Columns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _outputs = new Tensor(Rows, Columns);
        var values = new Tensor(Rows, Columns);
        foreach (ref float x in _outputs.Span)
        {
            x = (float)(rng.NextDouble() * 8 - 4);
        }
        foreach (ref float x in values.Span)
        {
            x = (float)rng.NextDouble();
        }
        _gradient = new Tensor(Rows, Columns);
        _classIds = Targets.FromClassIds(Enumerable.Range(0, Rows).Select(i => i % Columns).ToArray());
        _values = Targets.FromValues(values);
    }

    [Benchmark]
    public float SoftmaxCrossEntropy() => _crossEntropy.Compute(_outputs, _classIds, _gradient);

    [Benchmark]
    public float SoftmaxCrossEntropyLossOnly() => _crossEntropy.Compute(_outputs, _classIds, null);

    [Benchmark]
    public float MeanSquaredError() => _mse.Compute(_outputs, _values, _gradient);

    [Benchmark]
    public float BinaryCrossEntropyWithLogits() => _bce.Compute(_outputs, _values, _gradient);
}
