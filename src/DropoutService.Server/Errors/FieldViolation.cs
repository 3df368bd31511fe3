namespace DropoutService.Server.Errors;

/// <summary>One invalid field: its path in the request (<c>spec.layers[2].dropout.rate</c>) and the rule it breaks.</summary>
public sealed record FieldViolation(string Field, string Description);
