namespace DropoutService.Engine.Models;

/// <summary>An invalid model spec; <see cref="Field"/> is the path of the offending field, e.g. <c>layers[2].rate</c>.</summary>
public sealed class ModelSpecException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public ModelSpecException(string field, string message) : base(message, field) => Field = field;

    /// <summary>Path of the offending field in snake_case, as the wire API names it.</summary>
    public string Field { get; }
}
