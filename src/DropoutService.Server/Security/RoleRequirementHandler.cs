using Microsoft.AspNetCore.Authorization;

namespace DropoutService.Server.Security;

/// <summary>Succeeds a <see cref="RoleRequirement"/> when the caller's roles grant it.</summary>
public sealed class RoleRequirementHandler : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (CallerPrincipal.Has(context.User, requirement.Role))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
