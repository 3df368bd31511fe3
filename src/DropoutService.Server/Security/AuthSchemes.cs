namespace DropoutService.Server.Security;

/// <summary>Names of the authentication schemes. <see cref="Default"/> picks one per request from what it carries.</summary>
public static class AuthSchemes
{
    /// <summary>The policy scheme that forwards to the scheme matching the request's credentials.</summary>
    public const string Default = "Dropout";

    public const string ApiKey = "ApiKey";

    public const string Jwt = "Jwt";

    public const string Certificate = "Certificate";

    /// <summary>No credentials presented: the configured anonymous roles, if any.</summary>
    public const string Anonymous = "Anonymous";
}
