using DropoutService.Engine.Kernels;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Training;

public class TrainerAllocationTests
{
    // Steady-state training steps must not allocate: workspaces are reused (Tensor.Ensure),
    // minibatches gathered into one buffer, optimizer state created on the first step only.
    // Measured on the calling thread between two epoch callbacks, i.e. over 50 steps; the only
    // allocation expected there is the epoch's EpochMetrics record.
    [Theory]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Adam)]
    public void Fit_SteadyStateEpoch_AllocatesNothingPerStep(OptimizerKind optimizer)
    {
        var spec = new ModelSpec
        {
            InputSize = 16,
            Layers = [LayerSpec.Dense(32), LayerSpec.Relu(), LayerSpec.Dropout(0.5f), LayerSpec.Dense(32), LayerSpec.Tanh(), LayerSpec.Dense(4)],
            Seed = 1,
        };
        var x = GradientChecker.Random(50 * 8, 16, 2);
        var y = Enumerable.Range(0, 50 * 8).Select(i => i % 4).ToArray();
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = 8, Optimizer = new OptimizerSettings { Kind = optimizer },
            WeightDecay = 1e-3f, MaxNorm = 3f,
        };
        var perEpoch = new List<long>();
        new Trainer(Model.Create(spec, Blas.Managed), options).Fit(Dataset.FromClassIds(x, y), _ => perEpoch.Add(GC.GetAllocatedBytesForCurrentThread()));

        long steadyEpoch = perEpoch[3] - perEpoch[2];
        Assert.True(steadyEpoch < 512, $"an epoch of 50 steps allocated {steadyEpoch} bytes");
    }
}
