using System.ComponentModel.DataAnnotations;

namespace DropoutService.Server.Options;

/// <summary>JWT bearer tokens (section <c>Auth:Jwt</c>): issuer, audience, a signing key or an OpenID Connect authority.</summary>
public sealed class JwtAuthOptions
{
    /// <summary>Required <c>iss</c>; empty accepts any issuer (only sensible with a key that only one issuer has).</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c>; empty accepts any audience.</summary>
    public string? Audience { get; set; }

    /// <summary>Base64 HMAC key (HS256/384/512), at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>PEM public key (RSA or EC) verifying RS*/PS*/ES* signatures.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>OpenID Connect authority: signing keys come from its discovery document and JWKS.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's metadata must be fetched over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Claim holding the roles: a JSON array or a space-separated string.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim naming the caller in logs and audit.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Tolerated clock difference for <c>exp</c>/<c>nbf</c>.</summary>
    [Range(0, 3600)]
    public int ClockSkewSeconds { get; set; } = 60;

    public bool Enabled =>
        !string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(SigningKeyFile) || !string.IsNullOrWhiteSpace(Authority);
}
