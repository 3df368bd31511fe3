namespace DropoutService.Server.Hosting;

/// <summary>Shutdown state shared by health and training: set once the host starts stopping.</summary>
public sealed class ServerLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public bool Draining => _stopping.IsCancellationRequested;

    /// <summary>Cancelled when shutdown begins: running trainings stop without publishing.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void BeginShutdown() => _stopping.Cancel();
}
