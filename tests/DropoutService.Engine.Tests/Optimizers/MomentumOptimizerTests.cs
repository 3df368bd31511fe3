using DropoutService.Engine.Optimizers;
using static DropoutService.Engine.Tests.Optimizers.OptimizerTestHelpers;

namespace DropoutService.Engine.Tests.Optimizers;

public class MomentumOptimizerTests
{
    [Fact]
    public void Step_ThreeSteps_MatchHandComputedValues()
    {
        // μ = 0.9, lr = 0.1; v = μv - lr·g; w += v.
        // element 0: v1 = -0.05,             w1 = 0.95
        //            v2 = -0.045 + 0.025 = -0.02,   w2 = 0.93
        //            v3 = -0.018 - 0.1 = -0.118,    w3 = 0.812
        // element 1: v1 = 0.1,               w1 = -1.9
        //            v2 = 0.09 - 0.2 = -0.11,       w2 = -2.01
        //            v3 = -0.099 - 0 = -0.099,      w3 = -2.109
        var momentum = new MomentumOptimizer();

        var after = RunScenario(momentum);

        AssertClose([0.95, -1.9], after[0]);
        AssertClose([0.93, -2.01], after[1]);
        AssertClose([0.812, -2.109], after[2]);
        AssertClose([-0.118, -0.099], momentum.ExportState().Buffers["dense0.weight/velocity"]);
    }

    [Fact]
    public void Step_LongParameter_MatchesReference()
    {
        AssertMatchesReference(new MomentumOptimizer(), 1, (w, g, s, t) =>
        {
            s[0] = 0.9 * s[0] - LearningRate * g;
            w[0] += s[0];
        });
    }

    [Fact]
    public void Step_ConstantRate_EqualsPyTorchFormulation()
    {
        // PyTorch: b = μb + g; w -= lr·b. With constant lr this is the same trajectory (v = -lr·b).
        var after = RunScenario(new MomentumOptimizer());
        double[] w = [1, -2], b = [0, 0];
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < 2; i++)
            {
                b[i] = 0.9 * b[i] + Gradients[s][i];
                w[i] -= LearningRate * b[i];
            }
            AssertClose(w, after[s]);
        }
    }
}
