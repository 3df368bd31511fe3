using System.Security.Claims;

namespace DropoutService.Server.Security;

/// <summary>Builds the principals of authenticated callers (name and roles in the server's own claim types) and reads them back.</summary>
public static class CallerPrincipal
{
    public static ClaimsPrincipal Create(string name, IEnumerable<string> roles, string authenticationType)
    {
        var claims = new List<Claim> { new(Roles.NameClaimType, name) };
        claims.AddRange(roles.Where(Roles.IsKnown).Distinct(StringComparer.Ordinal).Select(r => new Claim(Roles.ClaimType, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, Roles.NameClaimType, Roles.ClaimType));
    }

    /// <summary>Who made the call, for logs and audit: the key name, token subject or certificate name; "anonymous" otherwise.</summary>
    public static string Name(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true } ? user.FindFirst(Roles.NameClaimType)?.Value ?? user.Identity.Name ?? "unknown" : "anonymous";

    /// <summary>How the caller authenticated: api-key, jwt, certificate or anonymous.</summary>
    public static string Method(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true, AuthenticationType: { } type } ? type : "anonymous";

    /// <summary>Whether the caller holds <paramref name="required"/> or a role that includes it.</summary>
    public static bool Has(ClaimsPrincipal? user, string required) =>
        user?.FindAll(Roles.ClaimType).Any(c => Roles.Grants(c.Value, required)) ?? false;
}
