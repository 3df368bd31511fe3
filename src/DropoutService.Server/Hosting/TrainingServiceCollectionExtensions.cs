using DropoutService.Server.Datasets;
using DropoutService.Server.Jobs;
using DropoutService.Server.Training;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DropoutService.Server.Hosting;

/// <summary>Registration of the training use cases: stored datasets, the training runner, jobs and their directory stores.</summary>
public static class TrainingServiceCollectionExtensions
{
    public static IServiceCollection AddDropoutTraining(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TrainingSlots>();
        services.AddSingleton<DatasetPins>();
        services.AddSingleton<IDatasetStore, DirectoryDatasetStore>();
        services.AddSingleton<DatasetCatalog>();
        services.AddSingleton<IJobStore, DirectoryJobStore>();
        services.AddSingleton<TrainingRunner>();
        services.AddSingleton<JobManager>();
        services.AddHostedService<JobsHostedService>();
        return services;
    }
}
