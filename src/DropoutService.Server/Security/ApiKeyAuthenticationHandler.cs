using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>
/// <c>authorization: Bearer &lt;key&gt;</c> against the salted hashes of <see cref="ApiKeyStore"/>.
/// Unknown, revoked and expired keys fail with their reason; the key is never logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Authentication type of the principals this handler makes.</summary>
    public const string AuthenticationType = "api-key";

    /// <summary>Longer values are not hashed: no configured key is that long.</summary>
    private const int MaxKeyLength = 512;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        bool wellFormed = BearerToken.TryRead(Request, out string? key);
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!wellFormed)
        {
            return Task.FromResult(Fail(AuthFailureReason.MalformedHeader, "the authorization header must be 'Bearer <key or token>'"));
        }
        if (key.Length > MaxKeyLength)
        {
            return Task.FromResult(Fail(AuthFailureReason.UnknownApiKey, "the API key is not valid"));
        }
        foreach (var record in keys.Current)
        {
            if (!ApiKeyHash.Matches(key, record.Salt, record.Digest))
            {
                continue;
            }
            if (record.Revoked)
            {
                return Task.FromResult(Fail(AuthFailureReason.RevokedApiKey, "the API key has been revoked"));
            }
            if (record.Expires is { } expires && expires <= time.GetUtcNow())
            {
                return Task.FromResult(Fail(AuthFailureReason.ExpiredApiKey, "the API key has expired"));
            }
            var principal = CallerPrincipal.Create(record.Name, record.Roles, AuthenticationType);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }
        return Task.FromResult(Fail(AuthFailureReason.UnknownApiKey, "the API key is not valid"));
    }

    private static AuthenticateResult Fail(string reason, string message) =>
        AuthenticateResult.Fail(new AuthenticationFailureException(reason, message));
}
