using Grpc.Core;

namespace DropoutService.Server.Grpc;

/// <summary>What a call touched, for its single log event (read by <see cref="ServerCallInterceptor"/>).</summary>
public static class CallAnnotations
{
    private const string ModelKey = "dropout.model";
    private const string VersionKey = "dropout.version";

    public static void Annotate(this ServerCallContext context, string? modelId, long? version = null)
    {
        if (modelId is not null)
        {
            context.UserState[ModelKey] = modelId;
        }
        if (version is not null)
        {
            context.UserState[VersionKey] = version.Value;
        }
    }

    public static string? AnnotatedModel(this ServerCallContext context) =>
        context.UserState.TryGetValue(ModelKey, out var m) ? m as string : null;

    public static long? AnnotatedVersion(this ServerCallContext context) =>
        context.UserState.TryGetValue(VersionKey, out var v) ? v as long? : null;
}
