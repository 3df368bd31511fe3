using DropoutService.Engine.Optimizers;
using static DropoutService.Engine.Tests.Optimizers.OptimizerTestHelpers;

namespace DropoutService.Engine.Tests.Optimizers;

public class SgdOptimizerTests
{
    [Fact]
    public void Step_ThreeSteps_MatchHandComputedValues()
    {
        // w -= 0.1·g: (1, -2) -> (0.95, -1.9) -> (0.975, -2.1) -> (0.875, -2.1)
        var after = RunScenario(new SgdOptimizer());

        AssertClose([0.95, -1.9], after[0]);
        AssertClose([0.975, -2.1], after[1]);
        AssertClose([0.875, -2.1], after[2]);
    }

    [Fact]
    public void Step_LongParameter_MatchesReference()
    {
        AssertMatchesReference(new SgdOptimizer(), 0, (w, g, s, t) => w[0] -= LearningRate * g);
    }

    [Fact]
    public void Step_CountsStepsAndExportsNoBuffers()
    {
        var sgd = new SgdOptimizer();
        RunScenario(sgd);

        var state = sgd.ExportState();

        Assert.Equal(3, sgd.StepCount);
        Assert.Equal(OptimizerKind.Sgd, state.Kind);
        Assert.Equal(3, state.StepCount);
        Assert.Empty(state.Buffers);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Step_InvalidLearningRate_ThrowsAndLeavesWeights(float lr)
    {
        var p = Weight("dense0", 1f, 2f);
        p.Gradient.Span.Fill(1f);

        Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptimizer().Step([p], lr));
        Assert.Equal([1f, 2f], p.Value.ToArray());
    }
}
