using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Tests.Optimizers;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    public void RateAt_Constant_IsTheBaseRate(int epoch)
    {
        Assert.Equal(0.1f, LearningRateSchedule.Constant.RateAt(0.1f, epoch, 10));
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(1, 0.1)]
    [InlineData(2, 0.05)]
    [InlineData(3, 0.05)]
    [InlineData(4, 0.025)]
    [InlineData(9, 0.00625)]
    public void RateAt_StepEveryTwoEpochsHalving_DecaysAtBoundaries(int epoch, double expected)
    {
        // 0.1·0.5^floor(epoch / 2)
        Assert.Equal(expected, LearningRateSchedule.Step(2, 0.5f).RateAt(0.1f, epoch, 10), 6);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(2, 0.0914058)]   // 0.01 + 0.09·(1 + cos(0.2π))/2 = 0.01 + 0.09·0.9045085
    [InlineData(5, 0.055)]       // halfway: the mean of base and min
    [InlineData(8, 0.0185942)]   // symmetric to epoch 2 about the midpoint
    [InlineData(10, 0.01)]
    [InlineData(12, 0.01)]       // past the end: stays at the minimum
    public void RateAt_Cosine_FollowsHalfCosineFromBaseToMin(int epoch, double expected)
    {
        Assert.Equal(expected, LearningRateSchedule.Cosine(0.01f).RateAt(0.1f, epoch, 10), 6);
    }

    [Fact]
    public void Validate_DefaultsAndFactories_AreValid()
    {
        LearningRateSchedule.Constant.Validate();
        LearningRateSchedule.Step(3, 0.1f).Validate();
        LearningRateSchedule.Cosine().Validate();
        Assert.Equal(LearningRateScheduleKind.Step, LearningRateSchedule.Step(3, 0.1f).Kind);
        Assert.Equal(LearningRateScheduleKind.Cosine, LearningRateSchedule.Cosine().Kind);
    }

    [Theory]
    [InlineData(nameof(LearningRateSchedule.StepEpochs))]
    [InlineData(nameof(LearningRateSchedule.Gamma))]
    [InlineData(nameof(LearningRateSchedule.MinLearningRate))]
    [InlineData(nameof(LearningRateSchedule.Kind))]
    public void Validate_InvalidField_ThrowsNamingIt(string field)
    {
        var schedule = field switch
        {
            nameof(LearningRateSchedule.StepEpochs) => LearningRateSchedule.Step(0, 0.5f),
            nameof(LearningRateSchedule.Gamma) => LearningRateSchedule.Step(2, 0f),
            nameof(LearningRateSchedule.MinLearningRate) => LearningRateSchedule.Cosine(-0.1f),
            _ => new LearningRateSchedule { Kind = (LearningRateScheduleKind)9 },
        };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(schedule.Validate);

        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void RateAt_NegativeEpochOrNoEpochs_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Constant.RateAt(0.1f, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine().RateAt(0.1f, 0, 0));
    }
}
