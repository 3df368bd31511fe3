using DropoutService.Server.Models;

namespace DropoutService.Server.Jobs;

/// <summary>Once the model store is loaded: recovers the jobs, then runs the scheduler until shutdown, which stops running jobs at their next batch.</summary>
public sealed class JobsHostedService(JobManager jobs, ModelRegistry registry) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
