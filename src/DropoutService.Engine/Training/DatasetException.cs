namespace DropoutService.Engine.Training;

/// <summary>
/// Data that breaks a dataset rule; <see cref="Field"/> is the path of the offending part in the
/// wire API's terms, relative to the dataset: <c>features</c>, <c>class_ids[12]</c>, <c>target_values</c>.
/// </summary>
public sealed class DatasetException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public DatasetException(string field, string message) : base(message, field) => Field = field;

    /// <summary>Path of the offending part, relative to the dataset.</summary>
    public string Field { get; }
}
