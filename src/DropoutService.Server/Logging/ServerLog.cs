using Microsoft.Extensions.Logging;

namespace DropoutService.Server.Logging;

/// <summary>Every log event of the server, source-generated (no boxing, no parsing at run time).</summary>
public static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Engine BLAS backend {BlasBackend}: {BlasDescription}")]
    public static partial void BlasBackend(ILogger logger, string blasBackend, string blasDescription);

    [LoggerMessage(2, LogLevel.Information, "Listening for gRPC on {Address}:{Port} ({Transport})")]
    public static partial void Listening(ILogger logger, string address, int port, string transport);

    [LoggerMessage(3, LogLevel.Information, "Loading the {StoreBackend} model store {StoreLocation}")]
    public static partial void StoreLoading(ILogger logger, string storeBackend, string storeLocation);

    [LoggerMessage(4, LogLevel.Information, "Model store loaded: {ModelCount} models, {VersionCount} versions, {CorruptCount} corrupt files skipped in {ElapsedMs} ms")]
    public static partial void StoreLoaded(ILogger logger, int modelCount, int versionCount, int corruptCount, long elapsedMs);

    [LoggerMessage(5, LogLevel.Warning, "Skipping unreadable version {Version} of model {ModelId} ({FilePath}): {Reason}. The file is left untouched and its number is never reused.")]
    public static partial void CorruptVersion(ILogger logger, string modelId, long version, string filePath, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Model {ModelId} has no loadable version and is not served")]
    public static partial void ModelUnavailable(ILogger logger, string modelId);

    [LoggerMessage(7, LogLevel.Error, "The {StoreBackend} model store {StoreLocation} is unavailable: {Reason}. Health is NOT_SERVING; cached versions keep serving; retrying")]
    public static partial void StoreUnavailable(ILogger logger, string storeBackend, string storeLocation, string reason);

    [LoggerMessage(8, LogLevel.Information, "The {StoreBackend} model store {StoreLocation} is available again")]
    public static partial void StoreRecovered(ILogger logger, string storeBackend, string storeLocation);

    [LoggerMessage(9, LogLevel.Information, "Opened the {StoreBackend} model store {StoreLocation} ({Mode})")]
    public static partial void StoreOpened(ILogger logger, string storeBackend, string storeLocation, string mode);

    [LoggerMessage(13, LogLevel.Critical, "{Reason}")]
    public static partial void StoreRefused(ILogger logger, string reason);

    [LoggerMessage(14, LogLevel.Information, "Removed {Count} leftovers of interrupted writes from the model store")]
    public static partial void StoreSwept(ILogger logger, int count);

    [LoggerMessage(15, LogLevel.Warning, "Could not remove {Path} from the model store: {Reason}; the next start sweeps it")]
    public static partial void StoreCleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(16, LogLevel.Warning, "Version {Version} of model {ModelId} is taken out of service: {Reason}")]
    public static partial void VersionUnavailable(ILogger logger, string modelId, long version, string reason);

    [LoggerMessage(17, LogLevel.Information, "Database schema migrated from version {Before} to {After}")]
    public static partial void SchemaMigrated(ILogger logger, int before, int after);

    [LoggerMessage(10, LogLevel.Information, "{Method} {StatusCode} in {ElapsedMs:0.000} ms model={ModelId} version={Version} caller={Caller}")]
    public static partial void CallCompleted(ILogger logger, string method, string statusCode, double elapsedMs, string? modelId, long? version, string caller);

    [LoggerMessage(11, LogLevel.Warning, "{Method} {StatusCode} in {ElapsedMs:0.000} ms model={ModelId} version={Version} caller={Caller}: {Detail}")]
    public static partial void CallRejected(ILogger logger, string method, string statusCode, double elapsedMs, string? modelId, long? version, string caller, string detail);

    [LoggerMessage(12, LogLevel.Error, "{Method} {StatusCode} in {ElapsedMs:0.000} ms model={ModelId} version={Version} caller={Caller} trace={TraceId}")]
    public static partial void CallFailed(ILogger logger, string method, string statusCode, double elapsedMs, string? modelId, long? version, string caller, string traceId, Exception exception);

    [LoggerMessage(20, LogLevel.Information, "Training {ModelId} epoch {Epoch}/{TotalEpochs} step {Step}: train_loss={TrainLoss:0.#####} validation_loss={ValidationLoss} validation_accuracy={ValidationAccuracy} lr={LearningRate} elapsed={ElapsedMs} ms")]
    public static partial void TrainingEpoch(ILogger logger, string modelId, int epoch, int totalEpochs, long step, float trainLoss, float? validationLoss, float? validationAccuracy, float learningRate, long elapsedMs);

    [LoggerMessage(21, LogLevel.Information, "Published version {Version} of model {ModelId} ({Source})")]
    public static partial void VersionPublished(ILogger logger, string modelId, long version, string source);

    [LoggerMessage(22, LogLevel.Information, "Training of {ModelId} stopped without publishing: {Reason}")]
    public static partial void TrainingStopped(ILogger logger, string modelId, string reason);

    [LoggerMessage(30, LogLevel.Information, "Shutting down: health is NOT_SERVING, running trainings are cancelled, in-flight calls get {GracePeriodSeconds} s")]
    public static partial void ShuttingDown(ILogger logger, int gracePeriodSeconds);

    [LoggerMessage(31, LogLevel.Information, "Picked up {NewVersions} new versions of model {ModelId} from the store; latest is {Latest}")]
    public static partial void VersionsPickedUp(ILogger logger, string modelId, int newVersions, long latest);

    [LoggerMessage(40, LogLevel.Information, "Job {JobId} of model {ModelId} queued ({Origin})")]
    public static partial void JobQueued(ILogger logger, string jobId, string modelId, string origin);

    [LoggerMessage(41, LogLevel.Information, "Job {JobId} of model {ModelId} running, attempt {Attempt}")]
    public static partial void JobRunning(ILogger logger, string jobId, string modelId, int attempt);

    [LoggerMessage(42, LogLevel.Information, "Job {JobId} of model {ModelId} ended {State} {Reason}")]
    public static partial void JobEnded(ILogger logger, string jobId, string modelId, string state, string reason);

    [LoggerMessage(43, LogLevel.Information, "Job {JobId} of model {ModelId} will resume after {Epochs} finished epochs")]
    public static partial void JobResuming(ILogger logger, string jobId, string modelId, int epochs);

    [LoggerMessage(44, LogLevel.Information, "Job {JobId} of model {ModelId} interrupted by shutdown; it resumes at the next start")]
    public static partial void JobInterrupted(ILogger logger, string jobId, string modelId);

    [LoggerMessage(45, LogLevel.Warning, "Job {JobId}: working checkpoint not used ({Reason}); the job starts over from its first epoch")]
    public static partial void WorkingCheckpointRejected(ILogger logger, string jobId, string reason);

    [LoggerMessage(46, LogLevel.Error, "Job {JobId} of model {ModelId} failed unexpectedly")]
    public static partial void JobCrashed(ILogger logger, string jobId, string modelId, Exception exception);

    [LoggerMessage(60, LogLevel.Information, "Audit {Action} by {Caller} ({AuthMethod}): {Outcome} model={ModelId} version={Version} resource={Resource}")]
    public static partial void Audit(ILogger logger, string action, string caller, string authMethod, string outcome, string? modelId, long? version, string? resource);

    [LoggerMessage(61, LogLevel.Information, "API keys in force: {KeyCount} (keys file {KeysFile})")]
    public static partial void ApiKeysLoaded(ILogger logger, int keyCount, string keysFile);

    [LoggerMessage(62, LogLevel.Error, "API keys not reloaded from {KeysSource}, the previous keys stay in force: {Reason}")]
    public static partial void ApiKeysReloadFailed(ILogger logger, string keysSource, string reason);

    [LoggerMessage(63, LogLevel.Information, "Authentication is off: no credentials are configured and the server listens on loopback {Address} only; every local caller is admin")]
    public static partial void AuthOffLoopback(ILogger logger, string address);

    [LoggerMessage(64, LogLevel.Warning, "Authentication is off on {Address} (Auth:AllowAnonymous=true): every caller that reaches the port is admin")]
    public static partial void AuthOffAnonymousAllowed(ILogger logger, string address);

    [LoggerMessage(65, LogLevel.Information, "Authentication is on: {Credentials}; anonymous callers get roles [{AnonymousRoles}]")]
    public static partial void AuthOn(ILogger logger, string credentials, string anonymousRoles);

    [LoggerMessage(66, LogLevel.Critical, "Cannot start: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string reason);

    [LoggerMessage(67, LogLevel.Information, "Serving Prometheus metrics on http://{Address:l}:{Port}{Path:l}")]
    public static partial void MetricsListening(ILogger logger, string address, int port, string path);
}
