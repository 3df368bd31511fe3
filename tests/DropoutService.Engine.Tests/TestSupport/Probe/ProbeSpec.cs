using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport.Probe;

/// <summary>
/// A test-only identity layer that calls <see cref="OnForward"/> at every forward pass, to observe
/// what a model does between layers (cancellation checks). Never checkpointed: it has no settings a
/// file could restore. Registered by <see cref="TestLayerTypes"/>; tag 10002.
/// </summary>
internal sealed record ProbeSpec(Action<int> OnForward) : LayerSpec
{
    public static LayerType Descriptor { get; } =
        LayerType.Create<ProbeSpec>(10002, "probe_test", _ => throw new NotSupportedException("A probe layer cannot be read from a checkpoint."));

    public override LayerType Type => Descriptor;

    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context) => input;

    public override ILayer Build(LayerBuildContext context) => new ProbeLayer(context, OnForward);

    public override void WriteSettings(LayerSettingsWriter writer) =>
        throw new NotSupportedException("A probe layer cannot be written to a checkpoint.");

    private sealed class ProbeLayer(LayerBuildContext context, Action<int> onForward) : Layer(context)
    {
        public override Tensor Forward(Tensor input, in ForwardPass pass)
        {
            CheckInput(input);
            onForward(Index);
            return input;
        }

        public override Tensor Backward(Tensor outputGradient) => outputGradient;
    }
}
