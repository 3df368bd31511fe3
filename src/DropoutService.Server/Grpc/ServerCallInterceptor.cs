using System.Diagnostics;
using DropoutService.Server.Errors;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DropoutService.Server.Grpc;

/// <summary>
/// Wraps every call: waits for the store to be loaded (dropout.v1 calls only), maps exceptions
/// to statuses through <see cref="ErrorMapper"/> and writes one log event with method, status,
/// duration, model and version.
/// </summary>
public sealed class ServerCallInterceptor(ModelRegistry registry, ILogger<ServerCallInterceptor> logger) : Interceptor
{
    private const string ApiPrefix = "/dropout.v1.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Run(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<T> Run<T>(ServerCallContext context, Func<Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        bool api = context.Method.StartsWith(ApiPrefix, StringComparison.Ordinal);
        try
        {
            if (api)
            {
                await registry.WaitLoadedAsync(context.CancellationToken);
            }
            var result = await call();
            Log(context, start, api, StatusCode.OK, null, null);
            return result;
        }
        catch (Exception e)
        {
            var mapped = ErrorMapper.ToRpcException(e, context);
            Log(context, start, api, mapped.StatusCode, mapped, e);
            throw mapped;
        }
    }

    private void Log(ServerCallContext context, long start, bool api, StatusCode code, RpcException? mapped, Exception? original)
    {
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        string method = context.Method;
        if (!api && code == StatusCode.OK)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                ServerLog.CallCompleted(logger, method, code.ToString(), ms, null, null);
            }
            return;
        }
        string? model = context.AnnotatedModel();
        long? version = context.AnnotatedVersion();
        if (code == StatusCode.OK)
        {
            ServerLog.CallCompleted(logger, method, code.ToString(), ms, model, version);
        }
        else if (original is not null && !ErrorMapper.IsClientError(original, context))
        {
            ServerLog.CallFailed(logger, method, code.ToString(), ms, model, version, context.GetHttpContext().TraceIdentifier, original);
        }
        else
        {
            ServerLog.CallRejected(logger, method, code.ToString(), ms, model, version, mapped?.Status.Detail ?? "");
        }
    }
}
