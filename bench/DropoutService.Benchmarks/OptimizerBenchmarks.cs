using BenchmarkDotNet.Attributes;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Benchmarks;

/// <summary>One optimizer step over the parameters of a 784-256-10 MLP (203,530 floats, ~0.8 MB per buffer).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class OptimizerBenchmarks
{
    private Parameter[] _parameters = [];
    private IOptimizer _optimizer = null!;

    [Params(OptimizerKind.Sgd, OptimizerKind.Momentum, OptimizerKind.Nesterov, OptimizerKind.RmsProp, OptimizerKind.Adam)]
    public OptimizerKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        Tensor Rand(int r, int c)
        {
            var t = new Tensor(r, c);
            foreach (ref float x in t.Span)
            {
                x = (float)(rng.NextDouble() - 0.5) * 0.1f;
            }
            return t;
        }
        _parameters =
        [
            new Parameter("dense0", "weight", ParameterKind.Weight, Rand(784, 256)),
            new Parameter("dense0", "bias", ParameterKind.Bias, Rand(1, 256)),
            new Parameter("dense1", "weight", ParameterKind.Weight, Rand(256, 10)),
            new Parameter("dense1", "bias", ParameterKind.Bias, Rand(1, 10)),
        ];
        foreach (var p in _parameters)
        {
            Rand(p.Gradient.Rows, p.Gradient.Columns).CopyTo(p.Gradient);
        }
        _optimizer = OptimizerFactory.Create(new OptimizerSettings { Kind = Kind });
        _optimizer.Step(_parameters, 1e-4f);
    }

    [Benchmark]
    public void Step() => _optimizer.Step(_parameters, 1e-4f);
}
