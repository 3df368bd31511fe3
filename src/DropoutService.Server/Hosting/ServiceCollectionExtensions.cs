using DropoutService.Server.Grpc;
using DropoutService.Server.Inference;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using DropoutService.Server.Storage.Directory;
using DropoutService.Server.Storage.Postgres;
using DropoutService.Server.Resources;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>Registration of the server's options and services.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Binds Server, Store, Limits, Inference, Auth, Metrics and Otlp from configuration, validated when the host starts.</summary>
    public static IServiceCollection AddDropoutOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OtlpOptions>().Bind(configuration.GetSection(OtlpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatasetsOptions>().Bind(configuration.GetSection(DatasetsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(server.Value.ShutdownGracePeriodSeconds));
        return services;
    }

    /// <summary>gRPC with the call interceptor and message limits, health, reflection, the registry and its helpers, the predictor and the memory budget.</summary>
    public static IServiceCollection AddDropoutServices(this IServiceCollection services)
    {
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ServerCallInterceptor>();
            o.EnableDetailedErrors = false;
        });
        services.UseCheckingServiceMethodProvider();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<LimitsOptions>>((o, limits) =>
        {
            o.MaxReceiveMessageSize = limits.Value.MaxMessageBytes;
            o.MaxSendMessageSize = limits.Value.MaxMessageBytes;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o =>
        {
            // The overall ("") status and each API service report the same check.
            o.Services.Clear();
            foreach (var name in HealthServiceNames)
            {
                o.Services.Map(name, _ => true);
            }
        }).AddCheck<ServingHealthCheck>(ServingHealthCheck.Name);
        services.AddSingleton<ServerLifetime>();
        services.AddDropoutStore();
        services.AddSingleton<MemoryBudget>();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<Predictor>();
        services.AddHostedService<StoreLifecycleService>();
        services.AddDropoutTraining();
        return services;
    }

    /// <summary>The store backend chosen by Store:Backend, and the registry, catalogue and version cache above it.</summary>
    public static IServiceCollection AddDropoutStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IModelStore>(provider => provider.GetRequiredService<IOptions<StoreOptions>>().Value.IsPostgres
            ? ActivatorUtilities.CreateInstance<PostgresModelStore>(provider)
            : ActivatorUtilities.CreateInstance<DirectoryModelStore>(provider));
        services.AddSingleton<VersionCache>();
        services.AddSingleton<ModelCatalogue>();
        services.AddSingleton<ModelRegistry>();
        return services;
    }

    /// <summary>Health service names: "" (the whole server) and the fully-qualified API services.</summary>
    public static readonly string[] HealthServiceNames =
        ["", "dropout.v1.ModelService", "dropout.v1.TrainingService", "dropout.v1.InferenceService", "dropout.v1.JobService"];
}
