using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Layers.Dense;

/// <summary>
/// The dense layer against torch.nn.Linear on the same weights and inputs (fixtures from
/// Fixtures/Torch/generate_dense.py). PyTorch stores the weight as (Out, In); ours is (In, Out).
/// Tolerance 1e-5 absolute + relative: both sum the same float32 products in different orders.
/// </summary>
public class DenseTorchConformanceTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "dense_batch1", "managed" }, { "dense_batch1", "default" },
        { "dense_batch6", "managed" }, { "dense_batch6", "default" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_MatchPyTorch(string name, string backend)
    {
        var f = TorchFixture.Load(name);
        var torchWeight = f.Tensor("weight");
        var layer = TestLayers.Dense(Transpose(torchWeight), f.Tensor("bias").ReshapedTo(1, torchWeight.Rows), backend == "managed" ? Blas.Managed : Blas.Default);

        var output = layer.Forward(f.Tensor("input"), ForwardPass.Eval);
        var inputGradient = layer.Backward(f.Tensor("upstream"));

        TorchAssert.Close(f.Tensor("output"), output);
        TorchAssert.Close(f.Tensor("input_grad"), inputGradient);
        TorchAssert.Close(Transpose(f.Tensor("weight_grad")), layer.Weight.Gradient);
        TorchAssert.Close(f.Tensor("bias_grad").ReshapedTo(1, torchWeight.Rows), layer.Bias.Gradient);
    }

    private static Tensor Transpose(Tensor t)
    {
        var result = new Tensor(t.Columns, t.Rows);
        for (int r = 0; r < t.Rows; r++)
        {
            for (int c = 0; c < t.Columns; c++)
            {
                result[c, r] = t[r, c];
            }
        }
        return result;
    }
}
