using DropoutService.Engine.Kernels;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>
/// Loads the store in the background once the host starts (health stays NOT_SERVING until it is
/// done), optionally rescans it, and on shutdown flips health, cancels trainings and waits the
/// drain delay before the listener closes.
/// </summary>
public sealed class StoreLifecycleService(
    ModelRegistry registry,
    ServerLifetime lifetime,
    IServer server,
    IHostApplicationLifetime hostLifetime,
    IOptions<ServerOptions> serverOptions,
    IOptions<StoreOptions> storeOptions,
    ListenerEndpoints listeners,
    ILogger<StoreLifecycleService> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _background;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var blas = Blas.Default;
        ServerLog.BlasBackend(logger, blas.Name, blas.Description);
        // Health flips and trainings stop as soon as shutdown is requested, before any hosted service stops.
        hostLifetime.ApplicationStopping.Register(lifetime.BeginShutdown);
        _background = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            if (listeners.IsMetricsPort(uri.Port))
            {
                continue; // logged by StartupChecks
            }
            ServerLog.Listening(logger, uri.Host, uri.Port, serverOptions.Value.UseTls ? "HTTP/2 over TLS" : "plaintext HTTP/2");
        }
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ServerLog.ShuttingDown(logger, serverOptions.Value.ShutdownGracePeriodSeconds);
        lifetime.BeginShutdown();
        await _stop.CancelAsync();
        int delay = serverOptions.Value.DrainDelaySeconds;
        if (delay > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(delay), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_background is not null)
        {
            await _background.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync()
    {
        registry.Load();
        int seconds = storeOptions.Value.RescanIntervalSeconds;
        if (seconds <= 0 || !registry.IsLoaded)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    registry.Rescan();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Any failure of one rescan (I/O, permissions, a file removed mid-scan) is
                    // logged and the next tick tries again: a replica must not stop following the store.
                    ServerLog.StoreLoadFailed(logger, registry.StorePath, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
