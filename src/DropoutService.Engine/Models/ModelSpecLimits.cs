namespace DropoutService.Engine.Models;

/// <summary>
/// Size limits a spec is validated against before anything is allocated. The defaults are the
/// engine's own maxima; a server passes tighter, configured ones.
/// </summary>
public sealed record ModelSpecLimits
{
    /// <summary>The most layers any model can have (checkpoint readers refuse more).</summary>
    public const int LayerCap = 1024;

    private readonly int _maxLayers = LayerCap;
    private readonly long _maxParameters = long.MaxValue;

    /// <summary>No limits beyond the engine's own.</summary>
    public static ModelSpecLimits Default { get; } = new();

    /// <summary>Most layers, in [1, <see cref="LayerCap"/>]; checked before any layer is looked at.</summary>
    public int MaxLayers
    {
        get => _maxLayers;
        init => _maxLayers = value is >= 1 and <= LayerCap
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxLayers), value, $"MaxLayers must be in [1, {LayerCap}].");
    }

    /// <summary>Most trainable scalars (≥ 1), counted with overflow-safe arithmetic.</summary>
    public long MaxParameters
    {
        get => _maxParameters;
        init => _maxParameters = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxParameters), value, "MaxParameters must be at least 1.");
    }
}
