using DropoutService.Server.Errors;
using DropoutService.Server.Storage;

namespace DropoutService.Server.Jobs;

/// <summary>A failed or cancelled job's error: kind, message and (for invalid input) field violations.</summary>
public sealed record JobFailure(JobFailureKind Kind, string Message, IReadOnlyList<FieldViolation>? Violations = null)
{
    public static JobFailure From(ServiceException e) => new(e.Error switch
    {
        ServiceError.NotFound => JobFailureKind.NotFound,
        ServiceError.FailedPrecondition => JobFailureKind.FailedPrecondition,
        ServiceError.LimitExceeded => JobFailureKind.LimitExceeded,
        ServiceError.Unavailable => JobFailureKind.Unavailable,
        ServiceError.DataLoss => JobFailureKind.DataLoss,
        ServiceError.AlreadyExists => JobFailureKind.FailedPrecondition,
        _ => JobFailureKind.Internal,
    }, e.Message);

    /// <summary>A store failure (full, read-only, unavailable, a deleted model, an unreadable version) with the status ErrorMapper gives it.</summary>
    public static JobFailure From(StoreException e) => new(e.Error switch
    {
        StoreError.NotFound => JobFailureKind.NotFound,
        StoreError.Full => JobFailureKind.LimitExceeded,
        StoreError.Unavailable => JobFailureKind.Unavailable,
        StoreError.Corrupt => JobFailureKind.DataLoss,
        _ => JobFailureKind.FailedPrecondition,
    }, e.Message);

    public static JobFailure From(RequestValidationException e) => new(JobFailureKind.InvalidArgument, e.Message, e.Violations);

    /// <summary>The exception a caller of Train gets for this failure (the same status as a failed Train call had).</summary>
    public Exception ToException() => Kind switch
    {
        JobFailureKind.InvalidArgument => new RequestValidationException(Violations is { Count: > 0 } v ? v : [new FieldViolation("options", Message)]),
        JobFailureKind.NotFound => ServiceException.NotFound(Message),
        JobFailureKind.FailedPrecondition => ServiceException.FailedPrecondition(Message),
        JobFailureKind.LimitExceeded => ServiceException.ResourceExhausted(Message),
        JobFailureKind.Unavailable => ServiceException.Unavailable(Message),
        JobFailureKind.DataLoss => new ServiceException(ServiceError.DataLoss, Message),
        JobFailureKind.DeadlineExceeded => new ServiceException(ServiceError.DeadlineExceeded, Message),
        JobFailureKind.Cancelled => new OperationCanceledException(Message),
        _ => new InvalidOperationException(Message),
    };
}
