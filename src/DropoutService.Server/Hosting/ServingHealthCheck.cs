using DropoutService.Server.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DropoutService.Server.Hosting;

/// <summary>SERVING once the store is loaded, while it is reachable and until shutdown begins; NOT_SERVING otherwise.</summary>
public sealed class ServingHealthCheck(ModelRegistry registry, ServerLifetime lifetime) : IHealthCheck
{
    public const string Name = "model-store";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.Draining ? HealthCheckResult.Unhealthy("shutting down")
            : registry.IsServing ? HealthCheckResult.Healthy($"{registry.Count} models loaded")
            : HealthCheckResult.Unhealthy(registry.UnavailableReason ?? "model store not loaded"));
}
