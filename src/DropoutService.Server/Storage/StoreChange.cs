namespace DropoutService.Server.Storage;

/// <summary>What the change feed reports: one model that changed, or possibly everything (<see cref="Everything"/>).</summary>
public sealed record StoreChange(string? ModelId)
{
    /// <summary>Changes may have been missed (start, reconnection, a follower's poll): compare the whole store.</summary>
    public static StoreChange Everything { get; } = new((string?)null);
}
