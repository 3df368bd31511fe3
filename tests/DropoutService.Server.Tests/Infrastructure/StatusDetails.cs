using Google.Rpc;
using Grpc.Core;

namespace DropoutService.Server.Tests.Infrastructure;

public static class StatusDetails
{
    /// <summary>The google.rpc.BadRequest field violations carried by an INVALID_ARGUMENT status.</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToArray() ?? [];
}
