using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>
/// Requests without credentials: the anonymous roles of <see cref="SecurityPosture"/> (admin when
/// no credentials are configured at all), or no result, which the authorisation step turns into
/// UNAUTHENTICATED.
/// </summary>
public sealed class AnonymousAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SecurityPosture posture) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string AuthenticationType = "anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (posture.AnonymousRoles.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var principal = CallerPrincipal.Create(AuthenticationType, posture.AnonymousRoles, AuthenticationType);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}
