namespace DropoutService.Engine.Training;

/// <summary>What a dataset's targets are.</summary>
public enum TargetKind
{
    /// <summary>One class id per row (softmax cross-entropy).</summary>
    ClassIds = 1,

    /// <summary>A row of target values per row (mean squared error, binary cross-entropy).</summary>
    Values = 2,
}
