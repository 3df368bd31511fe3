using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Tests.TestSupport;

/// <summary>Standalone layers for layer tests, built through their specs as a model builds them.</summary>
internal static class TestLayers
{
    /// <summary>Layer <paramref name="index"/> built from <paramref name="spec"/> over inputs of <paramref name="inputShape"/>.</summary>
    public static T Create<T>(LayerSpec spec, int index, params int[] inputShape)
        where T : ILayer => (T)spec.CreateLayer(new TensorShape(inputShape), index, blas: Blas.Managed);

    /// <summary>A dense layer over copies of <paramref name="weight"/> (In, Out) and <paramref name="bias"/> (1, Out).</summary>
    public static DenseLayer Dense(Tensor weight, Tensor bias, IBlas blas, int index = 0)
    {
        var layer = (DenseLayer)new DenseSpec(weight.Columns).CreateLayer(new TensorShape(weight.Rows), index, blas: blas);
        weight.CopyTo(layer.Weight.Value);
        bias.CopyTo(layer.Bias.Value);
        return layer;
    }
}
