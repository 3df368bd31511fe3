using DropoutService.Engine.Kernels;
using DropoutService.Server.Logging;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>
/// Opens the store before anything listens (a directory writer takes its lock), then follows it in
/// the background: the first complete read makes health SERVING; every change the store reports is
/// applied; a lost store turns health NOT_SERVING and is retried with backoff until it returns. On
/// shutdown it flips health, cancels trainings and waits the drain delay before the listener closes.
/// </summary>
public sealed class StoreLifecycleService(
    ModelRegistry registry,
    IModelStore store,
    ServerLifetime lifetime,
    IServer server,
    IHostApplicationLifetime hostLifetime,
    IOptions<ServerOptions> serverOptions,
    TimeProvider time,
    ListenerEndpoints listeners,
    ILogger<StoreLifecycleService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private Task? _background;

    /// <summary>
    /// Opens the store of a built host; on a refusal (another writer holds the directory) logs one
    /// line naming the cause and returns false, so Program exits with code 1 and no stack trace.
    /// </summary>
    public static bool TryOpenStore(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IModelStore>().Open();
            return true;
        }
        catch (StoreException e)
        {
            ServerLog.StoreRefused(services.GetRequiredService<ILogger<StoreLifecycleService>>(), e.Message);
            return false;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        store.Open();
        ServerLog.StoreOpened(logger, store.Backend, store.Location, store.IsReadOnly ? "read-only" : "read-write");
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var blas = Blas.Default;
        ServerLog.BlasBackend(logger, blas.Name, blas.Description);
        // Health flips and trainings stop as soon as shutdown is requested, before any hosted service stops.
        hostLifetime.ApplicationStopping.Register(lifetime.BeginShutdown);
        _background = Task.Run(FollowAsync, CancellationToken.None);
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
            await Task.Delay(TimeSpan.FromSeconds(delay), time, CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_background is not null)
        {
            await _background.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        store.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Applies the store's change feed until shutdown; a failure anywhere in it is an outage, retried.</summary>
    private async Task FollowAsync()
    {
        var retry = s_firstRetry;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in store.WatchAsync(token))
                {
                    registry.Apply(change);
                    retry = s_firstRetry;
                }
                return; // the feed ended: nothing more will change (a directory writer), or shutdown
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                registry.MarkUnavailable(e as StoreException
                    ?? new StoreException(StoreError.Unavailable, "The model store could not be read; see the server log.", $"{e.GetType().Name}: {e.Message}", e));
            }
            try
            {
                await Task.Delay(retry, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_maxRetry.Ticks));
        }
    }
}
