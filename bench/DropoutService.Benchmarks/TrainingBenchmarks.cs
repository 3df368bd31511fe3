using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Models;
using DropoutService.Engine.Training;

namespace DropoutService.Benchmarks;

/// <summary>
/// Training throughput on the anchor MLP: one epoch of 1,280 samples = 10 steps of batch 128, as
/// the anchor's bench_mlp_throughput.py measures. samples/s = 1280 / median.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MedianColumn, MinColumn]
public class TrainingBenchmarks
{
    private Model _model = null!;
    private Dataset _data = null!;
    private TrainingOptions _options = null!;

    [Params("default", "managed")]
    public string Backend { get; set; } = "default";

    [GlobalSetup]
    public void Setup()
    {
        _model = Model.Create(MlpWorkload.Spec, Backend == "managed" ? Blas.Managed : Blas.Default);
        _data = MlpWorkload.RandomData(1280, 3);
        _options = MlpWorkload.Options(epochs: 1);
    }

    [Benchmark(Description = "train 10 steps x 128 (MLP 784-1024-1024-10)")]
    public long TrainTenSteps() => new Trainer(_model, _options).Fit(_data).Steps;
}
