namespace DropoutService.Server.Models;

/// <summary>A version that cannot be served (unreadable, or gone from the store); never served again, its number never reused. The reason names no store path.</summary>
public sealed record CorruptVersion(long Number, string Reason);
