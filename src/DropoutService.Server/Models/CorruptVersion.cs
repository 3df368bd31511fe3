namespace DropoutService.Server.Models;

/// <summary>A version file that failed to load; kept on disk untouched, never served, its number never reused.</summary>
public sealed record CorruptVersion(long Number, string FilePath, string Reason);
