using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// One layer of a model spec: the base of every layer type's spec record (<c>DenseSpec</c>,
/// <c>DropoutSpec</c>, …). A layer type is one unit: its spec owns its validation (with wire field
/// paths), its output shape, the shapes, names and kinds of its parameters and buffers, their
/// initialisation, the layer it builds and its checkpoint settings. The model, the validator, the
/// parameter count and the checkpoint format are loops over these members.
/// Specs are immutable records with value equality.
/// </summary>
public abstract record LayerSpec
{
    /// <summary>The layer type: tag and name (the spec type's static <c>Descriptor</c>).</summary>
    public abstract LayerType Type { get; }

    /// <summary>
    /// Validates the settings against the shape of one input sample and returns the shape of one
    /// output sample. Throws <c>context.Invalid(field, message)</c> for the first setting that is
    /// invalid or does not fit the input (wrong rank, kernel larger than the input, a parameter too
    /// large for a tensor, …).
    /// </summary>
    public abstract TensorShape OutputShape(TensorShape input, LayerSpecContext context);

    /// <summary>The trainable parameters for this input shape, in a fixed order (empty by default). Called only after <see cref="OutputShape"/> accepted the input.</summary>
    public virtual IReadOnlyList<ParameterShape> ParameterShapes(TensorShape input) => [];

    /// <summary>The non-trainable buffers for this input shape, in a fixed order (empty by default). Called only after <see cref="OutputShape"/> accepted the input.</summary>
    public virtual IReadOnlyList<BufferShape> BufferShapes(TensorShape input) => [];

    /// <summary>
    /// Gives a freshly created model's parameters and buffers their initial values (they are zeros
    /// on entry). Must depend only on the spec and <paramref name="context"/> (its random generator
    /// is keyed by model seed and layer index). Does nothing by default.
    /// </summary>
    public virtual void Initialize(LayerInitContext context)
    {
    }

    /// <summary>Builds a layer instance over the parameters and buffers in <paramref name="context"/>.</summary>
    public abstract ILayer Build(LayerBuildContext context);

    /// <summary>
    /// Writes the settings into the layer's checkpoint record (parameters and buffers are written by
    /// the format itself), so that the type's <c>Descriptor</c> reads back an equal spec. Part of the
    /// checkpoint format: document the encoding in docs/checkpoint-format.md and never change it.
    /// </summary>
    public abstract void WriteSettings(LayerSettingsWriter writer);

    /// <summary>
    /// Validates this spec for one input sample of <paramref name="inputShape"/> and builds it as
    /// layer <paramref name="index"/> of a model with weight seed <paramref name="seed"/>, outside any
    /// model (tests, experiments). Throws <see cref="ModelSpecException"/> for invalid settings.
    /// </summary>
    public ILayer CreateLayer(TensorShape inputShape, int index = 0, ulong seed = 0, IBlas? blas = null)
    {
        var layout = LayerLayout.Create(this, index, inputShape);
        var (parameters, buffers) = layout.Allocate();
        layout.Initialize(seed, parameters, buffers);
        return layout.Build(parameters, buffers, blas ?? Blas.Default);
    }

    /// <summary>A dense layer.</summary>
    public static DenseSpec Dense(int units, WeightInit init = WeightInit.He) => new DenseSpec(units, init);

    /// <summary>A ReLU layer.</summary>
    public static ReluSpec Relu() => new ReluSpec();

    /// <summary>A leaky ReLU layer.</summary>
    public static LeakyReluSpec LeakyRelu(float slope = LeakyReluSpec.DefaultSlope) => new LeakyReluSpec(slope);

    /// <summary>A sigmoid layer.</summary>
    public static SigmoidSpec Sigmoid() => new SigmoidSpec();

    /// <summary>A tanh layer.</summary>
    public static TanhSpec Tanh() => new TanhSpec();

    /// <summary>An inverted-dropout layer with drop probability <paramref name="rate"/>.</summary>
    public static DropoutSpec Dropout(float rate) => new DropoutSpec(rate);
}
