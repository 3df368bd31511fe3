using Grpc.Core;

namespace DropoutService.Server.Security;

/// <summary>The caller's roles, for the few answers that differ by role (server details for admins).</summary>
public static class CallContextExtensions
{
    public static bool CallerHas(this ServerCallContext context, string role) =>
        CallerPrincipal.Has(context.GetHttpContext().User, role);
}
