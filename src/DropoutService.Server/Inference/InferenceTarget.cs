using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>A resolved model version, ready for <see cref="Predictor"/> calls: what callers need to validate and map their inputs.</summary>
public sealed class InferenceTarget
{
    internal InferenceTarget(string modelId, long version, VersionInference inference)
    {
        ModelId = modelId;
        Version = version;
        Inference = inference;
        LayerNames = inference.Model.Layers.Select(l => l.Name).ToArray();
    }

    public string ModelId { get; }

    /// <summary>The version number that answers (the latest, when 0 was asked for).</summary>
    public long Version { get; }

    public ModelSpec Spec => Inference.Model.Spec;

    /// <summary>The shape of one input sample (without the batch dimension), e.g. [64] or [1, 28, 28].</summary>
    public TensorShape InputShape => Inference.Model.InputShape;

    /// <summary>Features per input row: the number of elements of <see cref="InputShape"/>.</summary>
    public int InputSize => Inference.Model.InputSize;

    /// <summary>Features per output row (classes, for a classifier).</summary>
    public int OutputSize => Inference.Model.OutputSize;

    /// <summary>True for softmax cross-entropy models: outputs are logits over classes.</summary>
    public bool IsClassifier => Spec.IsClassifier;

    /// <summary>Layer names in order (<c>dense0</c>, <c>relu1</c>...), as in <see cref="ForwardResult.Activations"/>.</summary>
    public IReadOnlyList<string> LayerNames { get; }

    /// <summary>The batching settings in force for this model.</summary>
    public BatchingSettings Batching => Inference.Batching;

    internal VersionInference Inference { get; }
}
