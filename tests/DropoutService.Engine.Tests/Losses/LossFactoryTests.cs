using DropoutService.Engine.Losses;

namespace DropoutService.Engine.Tests.Losses;

public class LossFactoryTests
{
    [Theory]
    [InlineData(LossKind.SoftmaxCrossEntropy, typeof(SoftmaxCrossEntropyLoss))]
    [InlineData(LossKind.MeanSquaredError, typeof(MeanSquaredErrorLoss))]
    [InlineData(LossKind.BinaryCrossEntropyWithLogits, typeof(BinaryCrossEntropyWithLogitsLoss))]
    public void Create_KnownKind_ReturnsThatLoss(LossKind kind, Type expected)
    {
        var loss = LossFactory.Create(kind);

        Assert.IsType(expected, loss);
        Assert.Equal(kind, loss.Kind);
    }

    [Fact]
    public void Create_UnknownKind_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LossFactory.Create((LossKind)99));
    }
}
