using Microsoft.AspNetCore.Http;

namespace DropoutService.Server.Security;

/// <summary>Reads <c>authorization: Bearer &lt;credential&gt;</c>.</summary>
public static class BearerToken
{
    /// <summary>
    /// True with the credential when the header is a well-formed bearer header. False with
    /// <paramref name="credential"/> null when there is no header, or with the raw header when it is malformed.
    /// </summary>
    public static bool TryRead(HttpRequest request, out string? credential)
    {
        string? header = request.Headers.Authorization;
        credential = header;
        if (string.IsNullOrEmpty(header))
        {
            credential = null;
            return false;
        }
        const string scheme = "Bearer ";
        if (header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string value = header[scheme.Length..].Trim();
        if (value.Length == 0)
        {
            return false;
        }
        credential = value;
        return true;
    }

    /// <summary>A compact JWS has three dot-separated parts; API keys have no dots.</summary>
    public static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;
}
