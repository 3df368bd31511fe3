using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Tests.Optimizers;

public class OptimizerFactoryTests
{
    [Theory]
    [InlineData(OptimizerKind.Sgd, typeof(SgdOptimizer))]
    [InlineData(OptimizerKind.Momentum, typeof(MomentumOptimizer))]
    [InlineData(OptimizerKind.Nesterov, typeof(NesterovOptimizer))]
    [InlineData(OptimizerKind.RmsProp, typeof(RmsPropOptimizer))]
    [InlineData(OptimizerKind.Adam, typeof(AdamOptimizer))]
    public void Create_EachKind_ReturnsThatOptimizerWithTheSettings(OptimizerKind kind, Type expected)
    {
        var settings = new OptimizerSettings { Kind = kind, Momentum = 0.5f };

        var optimizer = OptimizerFactory.Create(settings);

        Assert.IsType(expected, optimizer);
        Assert.Same(settings, optimizer.Settings);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(nameof(OptimizerSettings.Beta1))]
    [InlineData(nameof(OptimizerSettings.Epsilon))]
    [InlineData(nameof(OptimizerSettings.Kind))]
    public void Create_InvalidSettings_ThrowsNamingTheSetting(string field)
    {
        var settings = field switch
        {
            nameof(OptimizerSettings.Beta1) => new OptimizerSettings { Kind = OptimizerKind.Adam, Beta1 = 1f },
            nameof(OptimizerSettings.Epsilon) => new OptimizerSettings { Kind = OptimizerKind.Adam, Epsilon = 0f },
            _ => new OptimizerSettings { Kind = (OptimizerKind)42 },
        };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerFactory.Create(settings));

        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Constructor_SettingsOfAnotherKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => new AdamOptimizer(new OptimizerSettings { Kind = OptimizerKind.Sgd }));
    }
}
