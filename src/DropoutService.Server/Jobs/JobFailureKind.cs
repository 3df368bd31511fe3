namespace DropoutService.Server.Jobs;

/// <summary>Why a job failed or was cancelled, in the server's own terms (ErrorMapper turns it into a status code).</summary>
public enum JobFailureKind
{
    InvalidArgument = 1,
    NotFound = 2,
    FailedPrecondition = 3,
    LimitExceeded = 4,
    Unavailable = 5,
    DataLoss = 6,
    Cancelled = 7,
    DeadlineExceeded = 8,
    Internal = 9,
}
