namespace DropoutService.Engine.Models;

/// <summary>An invalid model spec; <see cref="Field"/> is the path of the offending field as the wire API names it, e.g. <c>layers[2].dropout.rate</c>.</summary>
public class ModelSpecException : ArgumentException
{
    private readonly string _message;

    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public ModelSpecException(string field, string message)
        : base(message, field)
    {
        Field = field;
        _message = message;
    }

    /// <summary>The message alone (without ArgumentException's " (Parameter '…')" suffix: <see cref="Field"/> says it).</summary>
    public override string Message => _message;

    /// <summary>Path of the offending field in snake_case, as the wire API names it (without the request's <c>spec.</c> prefix).</summary>
    public string Field { get; }
}
