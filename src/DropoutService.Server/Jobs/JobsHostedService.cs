using DropoutService.Server.Hosting;
using DropoutService.Server.Models;

namespace DropoutService.Server.Jobs;

/// <summary>
/// Once the model store is loaded: recovers the jobs, then runs the scheduler until shutdown, which
/// stops running jobs at their next batch. Shutdown is the moment the host starts stopping
/// (<see cref="ServerLifetime.Stopping"/>), not this service's own stop: the listener stops first
/// and waits for in-flight calls, and a Train call streams until its job ends.
/// </summary>
public sealed class JobsHostedService(JobManager jobs, ModelRegistry registry, ServerLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.Stopping);
        var stoppingToken = shutdown.Token;
        try
        {
            await registry.WaitLoadedAsync(stoppingToken);
            await jobs.InitializeAsync(stoppingToken);
        }
        catch (Exception e) when (e is OperationCanceledException or Errors.ServiceException)
        {
            return;
        }
        await jobs.RunSchedulerAsync(stoppingToken);
    }
}
