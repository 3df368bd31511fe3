using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace DropoutService.Server.Grpc;

/// <summary>
/// Discovers the methods of every mapped gRPC service (ours, health, reflection) through the
/// generated <c>BindService</c> that <see cref="BindServiceMethodAttribute"/> names, with
/// <see cref="CheckingServiceBinder{TService}"/>. It replaces grpc-dotnet's own binder-based
/// provider (see <see cref="GrpcRegistration.UseCheckingServiceMethodProvider"/>), so one wrapper
/// covers the request deserialization of every method.
/// </summary>
public sealed class CheckingServiceMethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
            {
                var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                    ?? throw new InvalidOperationException($"{bind.BindType.Name}.{bind.BindMethodName}(ServiceBinderBase, {type.Name}) not found for {typeof(TService).Name}.");
                method.Invoke(null, [new CheckingServiceBinder<TService>(context, type), null]);
                return;
            }
        }
        throw new InvalidOperationException($"{typeof(TService).Name} has no generated base class with [BindServiceMethod].");
    }
}
