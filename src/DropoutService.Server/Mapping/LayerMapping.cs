using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Server.Errors;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>
/// One layer type on the wire: its <c>LayerSpec.kind</c> oneof case, the engine type, and the
/// conversions both ways. <see cref="SpecMapper"/> holds one per layer type, in a table.
/// </summary>
/// <param name="Case">The oneof case; its field name and number equal <see cref="Type"/>'s name and tag.</param>
/// <param name="Type">The engine layer type.</param>
/// <param name="ToEngine">Wire layer, its field path (<c>spec.layers[2].dropout</c>), violations -> engine spec (null when a violation was added).</param>
/// <param name="ToApi">Engine spec (of <see cref="Type"/>) -> wire layer.</param>
public sealed record LayerMapping(
    Wire.LayerSpec.KindOneofCase Case,
    LayerType Type,
    Func<Wire.LayerSpec, string, Violations, LayerSpec?> ToEngine,
    Func<LayerSpec, Wire.LayerSpec> ToApi)
{
    /// <summary>A mapping whose conversions are typed by the engine spec <typeparamref name="TSpec"/>.</summary>
    public static LayerMapping For<TSpec>(Wire.LayerSpec.KindOneofCase kind, LayerType type,
        Func<Wire.LayerSpec, string, Violations, TSpec?> toEngine, Func<TSpec, Wire.LayerSpec> toApi)
        where TSpec : LayerSpec =>
        new(kind, type, toEngine, spec => toApi((TSpec)spec));
}
