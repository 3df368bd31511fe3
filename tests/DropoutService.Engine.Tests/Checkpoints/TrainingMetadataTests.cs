using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Tests.Checkpoints;

public class TrainingMetadataTests
{
    [Fact]
    public void Equals_SameLabelsInDifferentDictionaries_True()
    {
        var a = CheckpointSamples.Metadata();
        var b = a with { Labels = a.Labels.Reverse().ToDictionary() };

        Assert.NotSame(a.Labels, b.Labels);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentLabelValue_False()
    {
        var a = CheckpointSamples.Metadata();
        var labels = a.Labels.ToDictionary();
        labels["run"] = "nightly-8";

        Assert.NotEqual(a, a with { Labels = labels });
    }

    [Fact]
    public void Equals_ExtraLabel_False()
    {
        var a = new TrainingMetadata();
        var b = new TrainingMetadata { Labels = new Dictionary<string, string> { ["x"] = "" } };

        Assert.NotEqual(a, b);
        Assert.NotEqual(b, a);
    }

    [Fact]
    public void Equals_DifferentScalar_False()
    {
        var a = CheckpointSamples.Metadata();

        Assert.NotEqual(a, a with { ValidationAccuracy = null });
        Assert.NotEqual(a, a with { Steps = a.Steps + 1 });
    }

    [Fact]
    public void Labels_Default_EmptyAndNullRejected()
    {
        Assert.Empty(new TrainingMetadata().Labels);
        Assert.Throws<ArgumentNullException>(() => new TrainingMetadata { Labels = null! });
    }
}
