namespace DropoutService.Server.Errors;

/// <summary>
/// The request bytes are not a valid protobuf encoding of the method's request message
/// (INVALID_ARGUMENT: "request is not a valid dropout.v1.X message").
/// </summary>
public sealed class MalformedRequestException(string messageName, string reason)
    : Exception($"request is not a valid {messageName} message: {reason}")
{
    /// <summary>Full protobuf name of the expected message, e.g. <c>dropout.v1.PredictRequest</c>.</summary>
    public string MessageName { get; } = messageName;

    /// <summary>What the protobuf parser objected to (no caller data, only the parser's own words).</summary>
    public string Reason { get; } = reason;
}
