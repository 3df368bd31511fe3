using System.Net;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>
/// The server's security stance, decided once from configuration and the bind address:
/// whether credentials are required, what anonymous callers may do, and whether the server may
/// start at all (not on a non-loopback address without credentials, unless explicitly allowed).
/// </summary>
public sealed class SecurityPosture
{
    public SecurityPosture(IOptions<AuthOptions> auth, IOptions<ServerOptions> server)
    {
        var a = auth.Value;
        BindAddress = server.Value.BindAddress;
        CredentialsConfigured = a.HasCredentials;
        AnonymousRoles = CredentialsConfigured ? [.. a.AnonymousRoles] : a.AnonymousRoles.Count > 0 ? [.. a.AnonymousRoles] : [Roles.Admin];
        RefusalReason = CredentialsConfigured || IPAddress.IsLoopback(BindAddress) || a.AllowAnonymous
            ? null
            : $"Server:Address {BindAddress} is not a loopback address and no credentials are configured "
              + "(Auth:KeysFile, Auth:ApiKeys, Auth:Jwt or Auth:Certificates): configure one, "
              + "or set Auth:AllowAnonymous=true to serve every caller without authentication";
    }

    public IPAddress BindAddress { get; }

    public bool CredentialsConfigured { get; }

    /// <summary>Roles given to callers without credentials (empty: they are refused).</summary>
    public IReadOnlyList<string> AnonymousRoles { get; }

    /// <summary>Why the server must not start, or null.</summary>
    public string? RefusalReason { get; }
}
