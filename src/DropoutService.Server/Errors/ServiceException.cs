namespace DropoutService.Server.Errors;

/// <summary>A request that is well formed but cannot be served now; <see cref="Error"/> says why.</summary>
public sealed class ServiceException(ServiceError error, string message) : Exception(message)
{
    public ServiceError Error { get; } = error;

    public static ServiceException NotFound(string message) => new(ServiceError.NotFound, message);

    public static ServiceException AlreadyExists(string message) => new(ServiceError.AlreadyExists, message);

    public static ServiceException FailedPrecondition(string message) => new(ServiceError.FailedPrecondition, message);

    public static ServiceException ResourceExhausted(string message) => new(ServiceError.LimitExceeded, message);

    public static ServiceException Unavailable(string message) => new(ServiceError.Unavailable, message);

    public static ServiceException DataLoss(string message) => new(ServiceError.DataLoss, message);
}
