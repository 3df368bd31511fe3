using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Benchmarks;

/// <summary>Batch-1 prediction latency on the anchor MLP, eval mode, in-process.</summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
[MedianColumn, MinColumn]
public class PredictBenchmarks
{
    private Model _model = null!;
    private Tensor _one = null!;

    [Params("default", "managed")]
    public string Backend { get; set; } = "default";

    [GlobalSetup]
    public void Setup()
    {
        _model = Model.Create(MlpWorkload.Spec, Backend == "managed" ? Blas.Managed : Blas.Default);
        _one = MlpWorkload.RandomData(1, 4).Features;
    }

    [Benchmark(Description = "predict batch 1 (MLP 784-1024-1024-10)")]
    public float PredictOne() => _model.Predict(_one)[0, 0];
}
