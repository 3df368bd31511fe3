using DropoutService.Engine.Models;

namespace DropoutService.Engine.Layers;

/// <summary>
/// What a layer spec's validation gets: where the layer is, so that its errors name the offending
/// field by the path the wire API uses (<c>layers[2].dropout.rate</c>).
/// </summary>
public sealed class LayerSpecContext
{
    internal LayerSpecContext(int index, LayerType type)
    {
        Index = index;
        Type = type;
    }

    /// <summary>Position of the layer in the model.</summary>
    public int Index { get; }

    /// <summary>The layer's type.</summary>
    public LayerType Type { get; }

    /// <summary>The path of the layer's settings: <c>layers[{index}].{type name}</c>.</summary>
    public string Path => $"layers[{Index}].{Type.Name}";

    /// <summary>
    /// The exception to throw for an invalid setting: <paramref name="field"/> is the setting's
    /// snake_case wire name (<c>rate</c>), or empty when the layer as a whole does not fit its input.
    /// </summary>
    public ModelSpecException Invalid(string field, string message) =>
        new(field.Length == 0 ? Path : $"{Path}.{field}", message);
}
