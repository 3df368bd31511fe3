using DropoutService.Engine.Optimizers;
using static DropoutService.Engine.Tests.Optimizers.OptimizerTestHelpers;

namespace DropoutService.Engine.Tests.Optimizers;

public class RmsPropOptimizerTests
{
    [Fact]
    public void Step_ThreeSteps_MatchHandComputedValues()
    {
        // ρ = 0.99, ε = 1e-8, lr = 0.1; s = ρs + (1-ρ)g²; w -= lr·g / (sqrt(s) + ε).
        // element 0: s1 = 0.01·0.25 = 0.0025, sqrt 0.05:      w1 = 1 - 0.05/0.05 = 2e-7 (ε)
        //            s2 = 0.002475 + 0.000625 = 0.0031:       w2 = w1 + 0.025/0.0556776 = 0.4490134
        //            s3 = 0.003069 + 0.01 = 0.013069:         w3 = w2 - 0.1/0.1143197 = -0.4257262
        // element 1: s1 = 0.01,  w1 = -2 + 0.1/0.1 = -1.0000001
        //            s2 = 0.0099 + 0.04 = 0.0499:             w2 = w1 - 0.2/0.2233831 = -1.8953230
        //            s3 = 0.049401 (g = 0):                   w3 = w2
        var rmsprop = new RmsPropOptimizer(new OptimizerSettings { Kind = OptimizerKind.RmsProp });

        var after = RunScenario(rmsprop);

        AssertClose([2e-7, -1.0000001], after[0]);
        AssertClose([0.44901337, -1.89532302], after[1]);
        AssertClose([-0.42572622, -1.89532302], after[2]);
        AssertClose([0.013069, 0.049401], rmsprop.ExportState().Buffers["dense0.weight/square_avg"], 5e-8); // ρ = 0.99f is 0.9900000095
    }

    [Fact]
    public void Step_LongParameter_MatchesReference()
    {
        AssertMatchesReference(new RmsPropOptimizer(), 1, (w, g, s, t) =>
        {
            s[0] = 0.99 * s[0] + 0.01 * g * g;
            w[0] -= LearningRate * g / (Math.Sqrt(s[0]) + 1e-8);
        }, tolerance: 1e-4);
    }
}
