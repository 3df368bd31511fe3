using DropoutService.Engine.Models;
using DropoutService.Server.Jobs;
using DropoutService.Server.Storage;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using RpcStatus = Google.Rpc.Status;

namespace DropoutService.Server.Errors;

/// <summary>
/// The one place where exceptions become gRPC statuses. Bad input is INVALID_ARGUMENT with a
/// google.rpc.BadRequest; anything unexpected is INTERNAL with a correlation id and no detail.
/// </summary>
public static partial class ErrorMapper
{
    public static RpcException ToRpcException(Exception exception, ServerCallContext context, string? specFieldPrefix = null)
    {
        switch (exception)
        {
            case RpcException rpc:
                return rpc;
            case MalformedRequestException malformed:
                return Malformed(malformed);
            case RequestValidationException validation:
                return InvalidArgument(validation.Violations);
            case ModelSpecException spec:
                return InvalidArgument([new FieldViolation(Prefix(specFieldPrefix ?? "spec", spec.Field), spec.Message)]);
            case ServiceException service:
                return new RpcException(new GrpcStatus(ToStatusCode(service.Error), service.Message));
            case StoreException store:
                return new RpcException(new GrpcStatus(ToStatusCode(store.Error), store.Message));
            case OperationCanceledException or IOException when context.Deadline <= DateTime.UtcNow:
                return new RpcException(new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded; nothing was published."));
            case OperationCanceledException:
            case IOException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new GrpcStatus(StatusCode.Cancelled, "Cancelled; nothing was published."));
            default:
                return new RpcException(new GrpcStatus(StatusCode.Internal,
                    $"Internal error (trace id {context.GetHttpContext().TraceIdentifier}); see the server log."));
        }
    }

    public static RpcException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var v in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = WithoutParameterSuffix(v.Description) });
        }
        var status = new RpcStatus
        {
            Code = (int)Code.InvalidArgument,
            Message = violations.Count == 1
                ? $"{violations[0].Field}: {WithoutParameterSuffix(violations[0].Description)}"
                : $"{violations.Count} invalid fields: " + string.Join("; ", violations.Select(v => $"{v.Field}: {WithoutParameterSuffix(v.Description)}")),
            Details = { Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }

    /// <summary>INVALID_ARGUMENT naming the expected message; the BadRequest violation's empty field is the whole request.</summary>
    private static RpcException Malformed(MalformedRequestException malformed)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "", Description = malformed.Reason });
        var status = new RpcStatus { Code = (int)Code.InvalidArgument, Message = malformed.Message, Details = { Any.Pack(badRequest) } };
        return status.ToRpcException();
    }

    /// <summary>True for exceptions that are the caller's fault (logged at a lower level).</summary>
    public static bool IsClientError(Exception exception, ServerCallContext context) =>
        exception is RequestValidationException or MalformedRequestException or ModelSpecException or ServiceException or StoreException or OperationCanceledException
        || (exception is IOException && context.CancellationToken.IsCancellationRequested)
        || (exception is RpcException rpc && rpc.StatusCode != StatusCode.Internal && rpc.StatusCode != StatusCode.Unknown);

    public static StatusCode ToStatusCode(ServiceError error) => error switch
    {
        ServiceError.NotFound => StatusCode.NotFound,
        ServiceError.AlreadyExists => StatusCode.AlreadyExists,
        ServiceError.FailedPrecondition => StatusCode.FailedPrecondition,
        ServiceError.LimitExceeded => StatusCode.ResourceExhausted,
        ServiceError.Unavailable => StatusCode.Unavailable,
        ServiceError.DataLoss => StatusCode.DataLoss,
        ServiceError.DeadlineExceeded => StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal,
    };

    /// <summary>
    /// ArgumentException messages carry " (Parameter 'name')", .NET's own parameter name, which
    /// contradicts the wire field path the violation already names: dropped wherever it appears
    /// (a message may be wrapped in another one).
    /// </summary>
    public static string WithoutParameterSuffix(string description) =>
        description.Contains("(Parameter '", StringComparison.Ordinal) ? ParameterSuffix().Replace(description, "") : description;

    [System.Text.RegularExpressions.GeneratedRegex(@" ?\(Parameter '[^']*'\)")]
    private static partial System.Text.RegularExpressions.Regex ParameterSuffix();

    /// <summary>Store failures: a full store is RESOURCE_EXHAUSTED, one this server may not write FAILED_PRECONDITION, a lost database UNAVAILABLE, an unreadable version DATA_LOSS.</summary>
    public static StatusCode ToStatusCode(StoreError error) => error switch
    {
        StoreError.NotFound => StatusCode.NotFound,
        StoreError.AlreadyExists => StatusCode.AlreadyExists,
        StoreError.Full => StatusCode.ResourceExhausted,
        StoreError.ReadOnly or StoreError.Locked or StoreError.Conflict => StatusCode.FailedPrecondition,
        StoreError.Unavailable => StatusCode.Unavailable,
        StoreError.Corrupt => StatusCode.DataLoss,
        _ => StatusCode.Internal,
    };

    /// <summary>A failed or cancelled job's error as the google.rpc.Status of its Job resource.</summary>
    public static RpcStatus ToRpcStatus(JobFailure failure)
    {
        var status = new RpcStatus
        {
            Code = (int)(failure.Kind switch
            {
                JobFailureKind.InvalidArgument => Code.InvalidArgument,
                JobFailureKind.NotFound => Code.NotFound,
                JobFailureKind.FailedPrecondition => Code.FailedPrecondition,
                JobFailureKind.LimitExceeded => Code.ResourceExhausted,
                JobFailureKind.Unavailable => Code.Unavailable,
                JobFailureKind.DataLoss => Code.DataLoss,
                JobFailureKind.Cancelled => Code.Cancelled,
                JobFailureKind.DeadlineExceeded => Code.DeadlineExceeded,
                _ => Code.Internal,
            }),
            Message = WithoutParameterSuffix(failure.Message),
        };
        if (failure.Violations is { Count: > 0 } violations)
        {
            var badRequest = new BadRequest();
            foreach (var v in violations)
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = v.Field, Description = WithoutParameterSuffix(v.Description) });
            }
            status.Details.Add(Any.Pack(badRequest));
        }
        return status;
    }

    private static string Prefix(string prefix, string field) => field.Length == 0 ? prefix : $"{prefix}.{field}";
}
