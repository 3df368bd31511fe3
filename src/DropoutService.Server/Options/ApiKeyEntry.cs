namespace DropoutService.Server.Options;

/// <summary>One API key: a name for logs and audit, the salted hash of the key, roles, and optional expiry/revocation.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>Who holds the key, as logged and audited (never the key itself).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>sha256:&lt;salt&gt;:&lt;digest&gt;</c>, as printed by <c>--new-key</c> or <c>--hash-key</c>.</summary>
    public string Hash { get; set; } = "";

    /// <summary><c>predict</c>, <c>train</c> or <c>admin</c> (each includes the ones before it).</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The key stops working at this time (UTC), if set.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>A revoked key is refused (and its use logged) but kept on record.</summary>
    public bool Revoked { get; set; }
}
