using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;

namespace DropoutService.Engine.Layers;

/// <summary>
/// The registry of layer types: the one place a new layer type is registered (one line, in tag
/// order). The checkpoint reader finds a record's type by its tag here, the validator refuses spec
/// types that are not here, and the server's mapping table is checked against this list.
/// </summary>
public static class LayerTypes
{
    private static readonly Lock s_gate = new();

    private static LayerType[] s_all = Checked(
    [
        DenseSpec.Descriptor,
        ReluSpec.Descriptor,
        LeakyReluSpec.Descriptor,
        SigmoidSpec.Descriptor,
        TanhSpec.Descriptor,
        DropoutSpec.Descriptor,
    ]);

    /// <summary>Every registered layer type, in tag order.</summary>
    public static IReadOnlyList<LayerType> All => Volatile.Read(ref s_all);

    /// <summary>The type with <paramref name="tag"/>, or null.</summary>
    public static LayerType? FindByTag(int tag) => Array.Find(Volatile.Read(ref s_all), t => t.Tag == tag);

    /// <summary>The type named <paramref name="name"/>, or null.</summary>
    public static LayerType? FindByName(string name) => Array.Find(Volatile.Read(ref s_all), t => t.Name == name);

    /// <summary>True when <paramref name="type"/> itself is registered.</summary>
    public static bool IsRegistered(LayerType type) => Array.IndexOf(Volatile.Read(ref s_all), type) >= 0;

    /// <summary>
    /// Adds a type at run time: for test-only layer types (tags ≥ 10000), registered once by the
    /// test assembly before any test runs. Throws when the tag, name or spec type is taken.
    /// </summary>
    internal static void Register(LayerType type)
    {
        lock (s_gate)
        {
            if (IsRegistered(type))
            {
                return;
            }
            Volatile.Write(ref s_all, Checked([.. s_all, type]));
        }
    }

    private static LayerType[] Checked(LayerType[] types)
    {
        for (int i = 0; i < types.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (types[i].Tag == types[j].Tag || types[i].Name == types[j].Name || types[i].SpecType == types[j].SpecType)
                {
                    throw new InvalidOperationException($"Layer types {types[j]} and {types[i]} share a tag, name or spec type.");
                }
            }
        }
        return [.. types.OrderBy(t => t.Tag)];
    }
}
