namespace DropoutService.Server.Security;

/// <summary>
/// The <c>google.rpc.ErrorInfo.reason</c> values of UNAUTHENTICATED and PERMISSION_DENIED (domain
/// <see cref="Domain"/>), also the <c>reason</c> label of the auth-failure metric. None of them says
/// anything about the model a call named.
/// </summary>
public static class AuthFailureReason
{
    /// <summary>ErrorInfo domain of every auth failure.</summary>
    public const string Domain = "auth.dropoutservice";

    /// <summary>No key, token or client certificate was presented.</summary>
    public const string CredentialsMissing = "CREDENTIALS_MISSING";

    /// <summary>The authorization header is not <c>Bearer &lt;key or token&gt;</c>.</summary>
    public const string MalformedHeader = "MALFORMED_AUTHORIZATION_HEADER";

    /// <summary>An API key that matches no configured key.</summary>
    public const string UnknownApiKey = "API_KEY_INVALID";

    /// <summary>A configured API key that has been revoked.</summary>
    public const string RevokedApiKey = "API_KEY_REVOKED";

    /// <summary>A configured API key past its expiry.</summary>
    public const string ExpiredApiKey = "API_KEY_EXPIRED";

    /// <summary>A JWT that does not verify: signature, issuer, audience, format.</summary>
    public const string InvalidToken = "TOKEN_INVALID";

    /// <summary>A JWT past its <c>exp</c> (or before its <c>nbf</c>).</summary>
    public const string ExpiredToken = "TOKEN_EXPIRED";

    /// <summary>A client certificate that does not chain to the trusted CA, is expired or not for client authentication.</summary>
    public const string InvalidCertificate = "CLIENT_CERTIFICATE_INVALID";

    /// <summary>Authenticated, but without the role the method needs (PERMISSION_DENIED).</summary>
    public const string RoleRequired = "ROLE_REQUIRED";
}
