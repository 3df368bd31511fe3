using Microsoft.AspNetCore.Http;

namespace DropoutService.Server.Security;

/// <summary>
/// Which scheme authenticates a request, from what it carries: a bearer header is a JWT (three
/// dot-separated parts) or an API key; otherwise a client certificate; otherwise nothing.
/// </summary>
public static class CredentialSelector
{
    public static string Select(HttpContext context)
    {
        if (BearerToken.TryRead(context.Request, out string? credential))
        {
            return BearerToken.LooksLikeJwt(credential!) ? AuthSchemes.Jwt : AuthSchemes.ApiKey;
        }
        if (credential is not null)
        {
            return AuthSchemes.ApiKey; // malformed header: the key handler names the problem
        }
        return context.Connection.ClientCertificate is not null ? AuthSchemes.Certificate : AuthSchemes.Anonymous;
    }
}
