namespace DropoutService.Server.Storage;

/// <summary>
/// A store failure. <see cref="Exception.Message"/> is safe to return to clients (it names models
/// and versions, never a path or a connection string); <see cref="Detail"/> is for the server log.
/// </summary>
public sealed class StoreException(StoreError error, string message, string? detail = null, Exception? inner = null) : Exception(message, inner)
{
    public StoreError Error { get; } = error;

    /// <summary>What the log should say beyond the message (paths, provider errors); null when nothing.</summary>
    public string? Detail { get; } = detail;
}
