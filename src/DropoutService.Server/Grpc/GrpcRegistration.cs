using Grpc.AspNetCore.Server.Model;

namespace DropoutService.Server.Grpc;

/// <summary>Swaps grpc-dotnet's method discovery for <see cref="CheckingServiceMethodProvider{TService}"/>.</summary>
public static class GrpcRegistration
{
    // grpc-dotnet's internal provider that calls the generated BindService (Grpc.AspNetCore.Server).
    private const string DefaultProviderName = "BinderServiceMethodProvider`1";

    /// <summary>
    /// Call after AddGrpc. Throws when grpc-dotnet's provider is not registered as expected (a
    /// package upgrade that renames it must fail at start, not silently bring back UNKNOWN).
    /// </summary>
    public static IServiceCollection UseCheckingServiceMethodProvider(this IServiceCollection services)
    {
        var defaults = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == DefaultProviderName).ToList();
        if (defaults.Count != 1)
        {
            throw new InvalidOperationException($"Expected grpc-dotnet's {DefaultProviderName} registration once, found {defaults.Count}.");
        }
        services.Remove(defaults[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(CheckingServiceMethodProvider<>));
        return services;
    }
}
