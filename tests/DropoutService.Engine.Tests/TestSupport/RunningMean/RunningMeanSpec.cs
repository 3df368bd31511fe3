using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport.RunningMean;

/// <summary>
/// A test-only layer type with buffers, to test the buffer machinery before batch norm exists: a
/// mean-only batch norm. Train mode centres each feature on its batch mean; Eval and McDropout on
/// the running mean. A pass with UpdateBuffers moves running_mean towards the batch mean by
/// <see cref="Momentum"/> (PyTorch's convention) and counts the batch in batches_tracked.
/// Registered for the test assembly by <see cref="TestLayerTypes"/>; tag 10001 (test-only range).
/// </summary>
/// <param name="Momentum">Weight of the batch mean in the running-mean update, in (0, 1].</param>
/// <param name="InitialMean">The running mean's initial value for every feature.</param>
internal sealed record RunningMeanSpec(float Momentum = 0.5f, float InitialMean = 0.25f) : LayerSpec
{
    public static LayerType Descriptor { get; } =
        LayerType.Create(10001, "running_mean_test", r => new RunningMeanSpec(r.ReadSingle("momentum"), r.ReadSingle("initial_mean")));

    public override LayerType Type => Descriptor;

    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context)
    {
        if (!(Momentum > 0f && Momentum <= 1f))
        {
            throw context.Invalid("momentum", $"momentum must be in (0, 1], got {Momentum}.");
        }
        return input;
    }

    public override IReadOnlyList<BufferShape> BufferShapes(TensorShape input) =>
        [new("running_mean", new TensorShape(input.Length)), new("batches_tracked", new TensorShape(1))];

    public override void Initialize(LayerInitContext context) => context.Buffer("running_mean").Span.Fill(InitialMean);

    public override ILayer Build(LayerBuildContext context) => new RunningMeanLayer(context, Momentum);

    public override void WriteSettings(LayerSettingsWriter writer)
    {
        writer.WriteSingle(Momentum);
        writer.WriteSingle(InitialMean);
    }
}
