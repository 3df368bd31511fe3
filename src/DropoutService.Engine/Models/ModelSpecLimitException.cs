namespace DropoutService.Engine.Models;

/// <summary>A spec that is well formed but exceeds a <see cref="ModelSpecLimits"/> limit (too many layers or parameters).</summary>
public sealed class ModelSpecLimitException : ModelSpecException
{
    /// <summary>Creates the exception for <paramref name="field"/>, whose <paramref name="actual"/> exceeds limit <paramref name="limit"/> = <paramref name="maximum"/>.</summary>
    public ModelSpecLimitException(string field, string limit, long actual, long maximum, string message)
        : base(field, message)
    {
        Limit = limit;
        Actual = actual;
        Maximum = maximum;
    }

    /// <summary>The <see cref="ModelSpecLimits"/> property that was exceeded: <c>MaxLayers</c> or <c>MaxParameters</c>.</summary>
    public string Limit { get; }

    /// <summary>The spec's value (saturated at <see cref="long.MaxValue"/>).</summary>
    public long Actual { get; }

    /// <summary>The limit's value.</summary>
    public long Maximum { get; }
}
