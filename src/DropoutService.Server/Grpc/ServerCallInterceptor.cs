using System.Diagnostics;
using DropoutService.Api.V1;
using DropoutService.Server.Errors;
using DropoutService.Server.Models;
using DropoutService.Server.Observability;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DropoutService.Server.Grpc;

/// <summary>
/// Wraps every call that passed authentication: waits for the store to be loaded (dropout.v1
/// calls only), maps exceptions to statuses through <see cref="ErrorMapper"/>, and hands the
/// outcome to <see cref="CallRecorder"/> (one log event with method, status, duration, model,
/// version and caller; the duration histogram; the span's tags; the audit event) and the
/// inference counters.
/// </summary>
public sealed class ServerCallInterceptor(ModelRegistry registry, CallRecorder recorder, RpcMetrics metrics, InferenceMetrics inference) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        Run(context, request, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run<TResponse>(context, null, () => continuation(new CheckedRequestStream<TRequest>(requestStream), context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run<object?>(context, request, async () =>
        {
            await continuation(request, responseStream, context);
            return null;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Run<object?>(context, null, async () =>
        {
            await continuation(new CheckedRequestStream<TRequest>(requestStream), responseStream, context);
            return null;
        });

    private async Task<T> Run<T>(ServerCallContext context, object? request, Func<Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        CallRecorder.BeginSpan(context.Method);
        metrics.CallStarted();
        try
        {
            MalformedRequests.ThrowIfMalformed(request);
            if (CallRecorder.IsApi(context.Method))
            {
                await registry.WaitLoadedAsync(context.CancellationToken);
            }
            var result = await call();
            Record(context, start, request, StatusCode.OK, ResourceOf(request, result), null, null);
            return result;
        }
        catch (Exception e)
        {
            var mapped = ErrorMapper.ToRpcException(e, context);
            bool fault = !ErrorMapper.IsClientError(e, context);
            Record(context, start, request, mapped.StatusCode, ResourceOf(request, null), mapped.Status.Detail, fault ? e : null);
            throw mapped;
        }
        finally
        {
            metrics.CallEnded();
        }
    }

    private void Record(ServerCallContext context, long start, object? request, StatusCode code, string? resource, string? detail, Exception? fault)
    {
        inference.Observe(request, code);
        var http = context.GetHttpContext();
        recorder.Record(new CallRecord(context.Method, code, Stopwatch.GetElapsedTime(start).TotalSeconds, http.User,
            context.AnnotatedModel(), context.AnnotatedVersion(), resource, detail, fault, fault is null ? null : http.TraceIdentifier));
    }

    /// <summary>The job or dataset a call acted on or created (for the audit event).</summary>
    private static string? ResourceOf(object? request, object? response) => (request, response) switch
    {
        (_, UploadDatasetResponse upload) => "dataset " + upload.DatasetId,
        (_, StartTrainingResponse started) when started.Job is not null => "job " + started.Job.JobId,
        (CancelJobRequest cancel, _) => "job " + cancel.JobId,
        (DeleteDatasetRequest delete, _) => "dataset " + delete.DatasetId,
        _ => null,
    };
}
