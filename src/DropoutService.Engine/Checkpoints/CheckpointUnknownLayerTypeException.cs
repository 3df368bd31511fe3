namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The checkpoint holds a layer record whose type tag this build does not know: it was written by a
/// newer build with a layer type added since. Never skipped: the model cannot be built without it.
/// </summary>
public sealed class CheckpointUnknownLayerTypeException : CheckpointException
{
    /// <summary>Creates the exception for layer <paramref name="layerIndex"/> with type tag <paramref name="tag"/>.</summary>
    public CheckpointUnknownLayerTypeException(string? path, int layerIndex, int tag)
        : base($"{Describe(path)} has layer {layerIndex} of type tag {tag}, which this build does not know: the file was written by a newer build; upgrade the service to load it.", path)
    {
        LayerIndex = layerIndex;
        Tag = tag;
    }

    /// <summary>Position of the layer in the model.</summary>
    public int LayerIndex { get; }

    /// <summary>The unknown type tag.</summary>
    public int Tag { get; }
}
