namespace DropoutService.Server.Errors;

/// <summary>A request broke one or more field rules; becomes INVALID_ARGUMENT with a google.rpc.BadRequest.</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException(IReadOnlyList<FieldViolation> violations)
        : base(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
    {
        Violations = violations;
    }

    public RequestValidationException(string field, string description)
        : this([new FieldViolation(field, description)])
    {
    }

    public IReadOnlyList<FieldViolation> Violations { get; }
}
