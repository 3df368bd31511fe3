using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers.Activations;

/// <summary>Base of the elementwise activations' specs: any input shape, the same output shape, no parameters.</summary>
public abstract record ActivationSpec : LayerSpec
{
    /// <inheritdoc/>
    public override TensorShape OutputShape(TensorShape input, LayerSpecContext context) => input;
}
