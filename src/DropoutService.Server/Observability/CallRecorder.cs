using System.Diagnostics;
using DropoutService.Server.Logging;
using DropoutService.Server.Security;
using Grpc.Core;

namespace DropoutService.Server.Observability;

/// <summary>
/// The one place a finished gRPC call is recorded, whether a service answered it
/// (<c>ServerCallInterceptor</c>) or authentication refused it: one log event, the duration
/// histogram, the span's tags and, for state-changing methods, one audit event. Caller-supplied
/// text (model ids, details) is escaped and bounded before it reaches a log.
/// </summary>
public sealed class CallRecorder(RpcMetrics metrics, ILogger<CallRecorder> logger, ILoggerFactory loggers)
{
    /// <summary>Logger category of the audit events, to route or keep them separately.</summary>
    public const string AuditCategory = "DropoutService.Audit";

    private const string ApiPrefix = "/dropout.v1.";

    private readonly ILogger _audit = loggers.CreateLogger(AuditCategory);

    public static bool IsApi(string fullMethod) => fullMethod.StartsWith(ApiPrefix, StringComparison.Ordinal);

    /// <summary>Names the current span after the method (called when the call starts).</summary>
    public static void BeginSpan(string fullMethod)
    {
        if (Activity.Current is { } activity)
        {
            var (service, method) = RpcMethodName.Split(fullMethod);
            activity.DisplayName = fullMethod.TrimStart('/');
            activity.SetTag("rpc.system", "grpc");
            activity.SetTag("rpc.service", service);
            activity.SetTag("rpc.method", method);
        }
    }

    public void Record(CallRecord call)
    {
        metrics.Record(call.FullMethod, call.Code, call.Seconds);
        bool api = IsApi(call.FullMethod);
        string? model = LogText.Escape(call.ModelId, LogText.IdLength);
        string? resource = LogText.Escape(call.Resource, LogText.IdLength);
        TagSpan(call, model);
        Log(call, api, model);
        if (api && RpcPermissions.For(call.FullMethod).ChangesState)
        {
            var (_, method) = RpcMethodName.Split(call.FullMethod);
            ServerLog.Audit(_audit, method, Caller(call), CallerPrincipal.Method(call.User), GrpcCodeNames.Of(call.Code), model, call.Version, resource);
        }
    }

    private void Log(CallRecord call, bool api, string? model)
    {
        double ms = call.Seconds * 1000;
        string code = call.Code.ToString();
        if (!api && call.Code == StatusCode.OK)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                ServerLog.CallCompleted(logger, call.FullMethod, code, ms, null, null, Caller(call));
            }
            return;
        }
        if (call.Code == StatusCode.OK)
        {
            ServerLog.CallCompleted(logger, call.FullMethod, code, ms, model, call.Version, Caller(call));
        }
        else if (call.Fault is not null)
        {
            ServerLog.CallFailed(logger, call.FullMethod, code, ms, model, call.Version, Caller(call), call.CorrelationId ?? "", call.Fault);
        }
        else
        {
            ServerLog.CallRejected(logger, call.FullMethod, code, ms, model, call.Version, Caller(call), LogText.Escape(call.Detail, LogText.DetailLength) ?? "");
        }
    }

    private static void TagSpan(CallRecord call, string? model)
    {
        if (Activity.Current is not { } activity)
        {
            return;
        }
        activity.SetTag("rpc.grpc.status_code", (int)call.Code);
        if (model is not null)
        {
            activity.SetTag("dropout.model.id", model);
        }
        if (call.Version is { } version)
        {
            activity.SetTag("dropout.model.version", version);
        }
        activity.SetTag("enduser.id", Caller(call));
        if (call.Fault is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, GrpcCodeNames.Of(call.Code));
        }
    }

    private static string Caller(CallRecord call) => LogText.Escape(CallerPrincipal.Name(call.User), LogText.IdLength)!;
}
