using Grpc.Core;

namespace DropoutService.Server.Errors;

/// <summary>A request that is well formed but cannot be served now; carries its status code.</summary>
public sealed class ServiceException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;

    public static ServiceException NotFound(string message) => new(StatusCode.NotFound, message);

    public static ServiceException AlreadyExists(string message) => new(StatusCode.AlreadyExists, message);

    public static ServiceException FailedPrecondition(string message) => new(StatusCode.FailedPrecondition, message);

    public static ServiceException ResourceExhausted(string message) => new(StatusCode.ResourceExhausted, message);

    public static ServiceException Unavailable(string message) => new(StatusCode.Unavailable, message);
}
