using DropoutService.Engine.Layers;
using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Layers.Activations;

/// <summary>The activations against torch.nn (fixtures from Fixtures/Torch/generate_dense.py): outputs and input gradients.</summary>
public class ActivationTorchConformanceTests
{
    public static TheoryData<string> Cases => new() { "activation_relu", "activation_leaky_relu", "activation_sigmoid", "activation_tanh" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_MatchPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        LayerSpec spec = name switch
        {
            "activation_relu" => new ReluSpec(),
            "activation_leaky_relu" => new LeakyReluSpec(0.01f),
            "activation_sigmoid" => new SigmoidSpec(),
            _ => new TanhSpec(),
        };
        var input = f.Tensor("input");
        var layer = TestLayers.Create<ILayer>(spec, 0, input.Columns);

        var output = layer.Forward(input, ForwardPass.Eval);
        var inputGradient = layer.Backward(f.Tensor("upstream"));

        TorchAssert.Close(f.Tensor("output"), output, 2e-6f);
        TorchAssert.Close(f.Tensor("input_grad"), inputGradient, 2e-6f);
    }
}
