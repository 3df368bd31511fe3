namespace DropoutService.Server.Security;

/// <summary>A loaded API key: its name, salted digest, roles and state. The key itself is never held.</summary>
public sealed record ApiKeyRecord(string Name, string Salt, byte[] Digest, IReadOnlyList<string> Roles, DateTimeOffset? Expires, bool Revoked, string Source);
