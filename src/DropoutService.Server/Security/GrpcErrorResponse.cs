using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ErrorInfo = Google.Rpc.ErrorInfo;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace DropoutService.Server.Security;

/// <summary>
/// Writes a gRPC error as a trailers-only response (HTTP 200, <c>grpc-status</c>,
/// <c>grpc-message</c> and a <c>google.rpc.Status</c> in <c>grpc-status-details-bin</c> carrying a
/// <c>google.rpc.ErrorInfo</c>) for calls refused before any service runs.
/// </summary>
public static class GrpcErrorResponse
{
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    public static Task WriteAsync(HttpContext context, StatusCode code, string message, string reason, IDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Reason = reason, Domain = AuthFailureReason.Domain };
        if (metadata is not null)
        {
            info.Metadata.Add(metadata);
        }
        var status = new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    /// <summary>grpc-message is percent-encoded outside printable ASCII (gRPC over HTTP/2 spec).</summary>
    private static string PercentEncode(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
