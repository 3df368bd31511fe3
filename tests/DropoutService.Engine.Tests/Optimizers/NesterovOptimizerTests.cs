using DropoutService.Engine.Optimizers;
using static DropoutService.Engine.Tests.Optimizers.OptimizerTestHelpers;

namespace DropoutService.Engine.Tests.Optimizers;

public class NesterovOptimizerTests
{
    [Fact]
    public void Step_ThreeSteps_MatchHandComputedValues()
    {
        // μ = 0.9, lr = 0.1; v = μv - lr·g; w += μv - lr·g (new v).
        // element 0: v1 = -0.05;  w1 = 1 - 0.045 - 0.05 = 0.905
        //            v2 = -0.02;  w2 = 0.905 - 0.018 + 0.025 = 0.912
        //            v3 = -0.118; w3 = 0.912 - 0.1062 - 0.1 = 0.7058
        // element 1: v1 = 0.1;    w1 = -2 + 0.09 + 0.1 = -1.81
        //            v2 = -0.11;  w2 = -1.81 - 0.099 - 0.2 = -2.109
        //            v3 = -0.099; w3 = -2.109 - 0.0891 - 0 = -2.1981
        var after = RunScenario(new NesterovOptimizer());

        AssertClose([0.905, -1.81], after[0]);
        AssertClose([0.912, -2.109], after[1]);
        AssertClose([0.7058, -2.1981], after[2]);
    }

    [Fact]
    public void Step_DiffersFromMomentumAndFromSgd()
    {
        // The original library's Nesterov reduced to plain SGD; heavy-ball momentum is the other
        // plausible mix-up. From the hand-computed values, element 0 differs from momentum by 0.045,
        // 0.018, 0.106 and from SGD by 0.045, 0.063, 0.169 over the three steps.
        var nesterov = RunScenario(new NesterovOptimizer());
        var momentum = RunScenario(new MomentumOptimizer());
        var sgd = RunScenario(new SgdOptimizer());

        for (int s = 0; s < 3; s++)
        {
            Assert.True(Math.Abs(nesterov[s][0] - momentum[s][0]) > 0.01, $"step {s + 1}");
            Assert.True(Math.Abs(nesterov[s][0] - sgd[s][0]) > 0.01, $"step {s + 1}");
        }
    }

    [Fact]
    public void Step_ConstantRate_EqualsPyTorchFormulation()
    {
        // PyTorch SGD(nesterov=True): b = μb + g; w -= lr·(g + μb).
        var after = RunScenario(new NesterovOptimizer());
        double[] w = [1, -2], b = [0, 0];
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < 2; i++)
            {
                double g = Gradients[s][i];
                b[i] = 0.9 * b[i] + g;
                w[i] -= LearningRate * (g + 0.9 * b[i]);
            }
            AssertClose(w, after[s]);
        }
    }

    [Fact]
    public void Step_LongParameter_MatchesReference()
    {
        AssertMatchesReference(new NesterovOptimizer(), 1, (w, g, s, t) =>
        {
            s[0] = 0.9 * s[0] - LearningRate * g;
            w[0] += 0.9 * s[0] - LearningRate * g;
        });
    }
}
