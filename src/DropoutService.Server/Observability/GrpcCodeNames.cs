using Grpc.Core;

namespace DropoutService.Server.Observability;

/// <summary>gRPC status codes as the gRPC specification spells them (<c>NOT_FOUND</c>), for metric labels and logs.</summary>
public static class GrpcCodeNames
{
    private static readonly string[] s_names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static string Of(StatusCode code) => (uint)code < (uint)s_names.Length ? s_names[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
