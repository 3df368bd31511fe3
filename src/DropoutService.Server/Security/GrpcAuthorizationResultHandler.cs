using System.Diagnostics;
using DropoutService.Server.Observability;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace DropoutService.Server.Security;

/// <summary>
/// Turns a refused gRPC call into a gRPC status instead of a bare HTTP 401/403: UNAUTHENTICATED
/// (no or bad credentials) or PERMISSION_DENIED (missing role), each with a
/// <c>google.rpc.ErrorInfo</c> (reason, domain). The messages say nothing about the model the call
/// named: the request is refused before any service reads it. The refusal is counted by reason
/// and recorded like any call (log event, duration, audit of state-changing methods).
/// </summary>
public sealed class GrpcAuthorizationResultHandler(CallRecorder recorder, RpcMetrics metrics) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !GrpcErrorResponse.IsGrpc(context.Request))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        StatusCode code;
        string reason, message;
        Dictionary<string, string>? metadata = null;
        if (authorizeResult.Forbidden)
        {
            string role = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RoleRequirement>().FirstOrDefault()?.Role ?? Roles.Admin;
            code = StatusCode.PermissionDenied;
            reason = AuthFailureReason.RoleRequired;
            message = $"Permission denied: this method needs the '{role}' role (or one that includes it).";
            metadata = new Dictionary<string, string> { ["required_role"] = role };
        }
        else
        {
            code = StatusCode.Unauthenticated;
            // The authentication middleware keeps successful results only; the handler caches its
            // result per request, so this re-reads the failure without authenticating twice.
            var result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult ?? await context.AuthenticateAsync(AuthSchemes.Default);
            (reason, message) = Describe(context, result);
        }
        metrics.AuthFailed(reason);
        string fullMethod = context.Request.Path.Value ?? "";
        CallRecorder.BeginSpan(fullMethod);
        double seconds = Activity.Current is { } activity ? (DateTime.UtcNow - activity.StartTimeUtc).TotalSeconds : 0;
        recorder.Record(new CallRecord(fullMethod, code, Math.Max(0, seconds), context.User, Detail: $"{reason}: {message}"));
        await GrpcErrorResponse.WriteAsync(context, code, message, reason, metadata);
    }

    private static (string Reason, string Message) Describe(HttpContext context, AuthenticateResult? result) => result?.Failure switch
    {
        AuthenticationFailureException failure => (failure.Reason, $"Authentication failed: {failure.Message}."),
        null => (AuthFailureReason.CredentialsMissing,
            "Authentication required: send 'authorization: Bearer <API key or token>' or a client certificate."),
        // The certificate handler reports chain and usage failures without an exception.
        _ when CredentialSelector.Select(context) == AuthSchemes.Certificate => (AuthFailureReason.InvalidCertificate,
            "Authentication failed: the client certificate is not issued by a trusted CA, has expired or is not for client authentication."),
        _ => (AuthFailureReason.InvalidToken, "Authentication failed: the credentials are not valid."),
    };
}
