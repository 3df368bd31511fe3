using DropoutService.Engine.Layers;

namespace DropoutService.Engine.Tests.Layers;

public class ForwardPassTests
{
    [Theory]
    [InlineData(ForwardMode.Train, true, true)]
    [InlineData(ForwardMode.Eval, false, false)]
    [InlineData(ForwardMode.McDropout, true, false)]
    public void Mode_DecidesDropoutAndBatchStatistics(ForwardMode mode, bool dropout, bool batchStatistics)
    {
        var pass = new ForwardPass(mode, 1, 2);

        Assert.Equal((dropout, batchStatistics), (pass.DropoutActive, pass.UsesBatchStatistics));
        Assert.False(pass.UpdateBuffers);
    }
}
