using System.Text.RegularExpressions;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;

namespace DropoutService.Engine.Layers;

/// <summary>
/// The identity of a layer type: its stable <see cref="Tag"/> and <see cref="Name"/>, its spec
/// type, and how to read its settings back from a checkpoint record. Every layer type has exactly
/// one, exposed as its spec's static <c>Descriptor</c> and listed in <see cref="LayerTypes"/>.
/// </summary>
public sealed partial class LayerType
{
    private readonly Func<LayerSettingsReader, LayerSpec> _readSettings;

    private LayerType(int tag, string name, Type specType, Func<LayerSettingsReader, LayerSpec> readSettings)
    {
        if (tag < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tag), tag, "A layer type tag is at least 1.");
        }
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Layer type name '{name}' must be snake_case ([a-z][a-z0-9_]*).", nameof(name));
        }
        Tag = tag;
        Name = name;
        SpecType = specType;
        _readSettings = readSettings;
    }

    /// <summary>
    /// The type's number, forever: the tag of its checkpoint records and the field number of its
    /// message in the <c>LayerSpec.kind</c> oneof of the API. Never reused, never renumbered.
    /// Tags of 10000 and above are reserved for test-only types.
    /// </summary>
    public int Tag { get; }

    /// <summary>
    /// The type's snake_case name, forever: the prefix of its layers' names (<c>dense0</c>), the
    /// segment of its field paths (<c>layers[0].dense.units</c>) and the name of its field in the
    /// <c>LayerSpec.kind</c> oneof of the API.
    /// </summary>
    public string Name { get; }

    /// <summary>The spec record type (a <see cref="LayerSpec"/> subclass).</summary>
    public Type SpecType { get; }

    /// <summary>Describes a layer type whose spec is <typeparamref name="TSpec"/>; <paramref name="readSettings"/> reads back what <see cref="LayerSpec.WriteSettings"/> wrote.</summary>
    public static LayerType Create<TSpec>(int tag, string name, Func<LayerSettingsReader, TSpec> readSettings)
        where TSpec : LayerSpec
    {
        ArgumentNullException.ThrowIfNull(readSettings);
        return new LayerType(tag, name, typeof(TSpec), readSettings);
    }

    /// <summary>Decodes a spec of this type from its checkpoint settings.</summary>
    internal LayerSpec ReadSettings(LayerSettingsReader reader) => _readSettings(reader);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (tag {Tag})";

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();
}
