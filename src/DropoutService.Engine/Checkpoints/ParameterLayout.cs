using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;

namespace DropoutService.Engine.Checkpoints;

/// <summary>The name and shape of one parameter a spec implies.</summary>
internal readonly record struct ParameterShape(string Name, int Rows, int Columns)
{
    public long Length => (long)Rows * Columns;
}

/// <summary>
/// The parameters a (validated) spec implies, in model order, derived from the spec alone so that
/// a decoder can check a payload's parameters without building a model. Must agree with
/// <see cref="LayerFactory"/>; CheckpointFileTests checks it against <see cref="Model.Parameters"/>.
/// </summary>
internal static class ParameterLayout
{
    public static ParameterShape[] For(ModelSpec spec)
    {
        var shapes = new List<ParameterShape>();
        int size = spec.InputSize;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Kind == LayerKind.Dense)
            {
                string name = DenseLayer.NameFor(i);
                shapes.Add(new ParameterShape($"{name}.weight", size, layer.Units));
                shapes.Add(new ParameterShape($"{name}.bias", 1, layer.Units));
                size = layer.Units;
            }
        }
        return [.. shapes];
    }
}
