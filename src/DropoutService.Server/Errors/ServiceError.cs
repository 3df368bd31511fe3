namespace DropoutService.Server.Errors;

/// <summary>
/// Why a well-formed request cannot be served, in the server's own terms. The use cases and the
/// store speak these; only <see cref="ErrorMapper"/> turns them into gRPC status codes.
/// </summary>
public enum ServiceError
{
    /// <summary>The model, version, dataset or job does not exist (NOT_FOUND).</summary>
    NotFound,

    /// <summary>The resource exists already (ALREADY_EXISTS).</summary>
    AlreadyExists,

    /// <summary>The resource is not in a state that allows the call (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>A configured limit would be exceeded (RESOURCE_EXHAUSTED).</summary>
    LimitExceeded,

    /// <summary>The server or its store cannot serve the call now; retrying later may succeed (UNAVAILABLE).</summary>
    Unavailable,

    /// <summary>Stored data is corrupt or unreadable (DATA_LOSS).</summary>
    DataLoss,

    /// <summary>A time limit passed: an idle upload, a job's maximum duration (DEADLINE_EXCEEDED).</summary>
    DeadlineExceeded,
}
