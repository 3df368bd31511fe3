using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>
/// Who may call what (configuration section <c>Auth</c>). Credentials are API keys (stored as
/// salted hashes), JWT bearer tokens and mTLS client certificates; any one configured turns
/// authentication on for every API call. With none configured, a loopback-only server serves
/// everyone, and a server bound to another address refuses to start unless
/// <see cref="AllowAnonymous"/> is set.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Start without any credentials configured even when bound to a non-loopback address.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Roles of callers that present no credentials. Empty (the default) when credentials are
    /// configured: such callers get UNAUTHENTICATED. Without credentials, anonymous callers are admin.
    /// </summary>
    public List<string> AnonymousRoles { get; set; } = [];

    /// <summary>JSON file of API keys (<c>{"keys": [{"name", "hash", "roles"}]}</c>), reloaded when it changes.</summary>
    public string? KeysFile { get; set; }

    /// <summary>API keys given in configuration (e.g. <c>Auth__ApiKeys__0__Hash</c>), besides <see cref="KeysFile"/>.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>At most this often (seconds) the keys file's timestamp is checked for changes; 0 = on every call.</summary>
    [Range(0, 3600)]
    public int KeysReloadSeconds { get; set; } = 2;

    /// <summary>JWT bearer tokens; off while neither a signing key nor an authority is set.</summary>
    public JwtAuthOptions Jwt { get; set; } = new();

    /// <summary>mTLS client certificates; off while no trusted CA is set (needs Server TLS).</summary>
    public CertificateAuthOptions Certificates { get; set; } = new();

    public bool HasApiKeys => !string.IsNullOrWhiteSpace(KeysFile) || ApiKeys.Count > 0;

    /// <summary>Whether any kind of credential is configured (then every API call needs one).</summary>
    public bool HasCredentials => HasApiKeys || Jwt.Enabled || Certificates.Enabled;
}
