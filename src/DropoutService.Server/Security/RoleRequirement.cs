using Microsoft.AspNetCore.Authorization;

namespace DropoutService.Server.Security;

/// <summary>The caller must hold <see cref="Role"/> or a role that includes it (<see cref="Roles.Grants"/>); checked by <see cref="RoleRequirementHandler"/>.</summary>
public sealed class RoleRequirement(string role) : IAuthorizationRequirement
{
    public string Role { get; } = role;

    /// <summary>Name of the policy requiring <paramref name="role"/>.</summary>
    public static string PolicyName(string role) => "role:" + role;
}
