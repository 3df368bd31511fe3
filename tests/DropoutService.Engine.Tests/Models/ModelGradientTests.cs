using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Tests.TestSupport;

namespace DropoutService.Engine.Tests.Models;

public class ModelGradientTests
{
    private static ModelSpec Spec(LossKind loss, int outputs) => new()
    {
        InputSize = 6,
        Layers =
        [
            LayerSpec.Dense(8), LayerSpec.Tanh(), LayerSpec.Dropout(0.3f),
            LayerSpec.Dense(7, WeightInit.Xavier), LayerSpec.Sigmoid(), LayerSpec.Dense(outputs),
        ],
        Loss = loss,
        Seed = 42,
    };

    // The whole model plus its loss, in Train mode: the mask key (seed 5, step 3) is fixed, so the
    // dropout layer is a fixed linear map and the loss is differentiable in every parameter and input.
    [Theory]
    [InlineData(LossKind.SoftmaxCrossEntropy, 4)]
    [InlineData(LossKind.MeanSquaredError, 3)]
    [InlineData(LossKind.BinaryCrossEntropyWithLogits, 3)]
    public void Backward_ThroughLoss_MatchesCentralDifferences(LossKind loss, int outputs)
    {
        var model = Model.Create(Spec(loss, outputs));
        var input = GradientChecker.Random(5, 6, seed: 1);
        var targets = loss == LossKind.SoftmaxCrossEntropy
            ? Targets.FromClassIds([0, 3, 1, 2, 3])
            : Targets.FromValues(Tensor.FromSpan(5, 3, Enumerable.Range(0, 15).Select(i => (i % 4) / 3f).ToArray()));
        var pass = new ForwardPass(ForwardMode.Train, Seed: 5, Step: 3);

        var output = model.Forward(input, pass);
        var outputGradient = new Tensor(output.Rows, output.Columns);
        model.Loss.Compute(output, targets, outputGradient);
        var inputGradient = model.Backward(outputGradient).ToArray();
        var parameterGradients = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        double Loss() => model.Loss.Compute(model.Forward(input, pass), targets, null);
        GradientChecker.Check("input", input, inputGradient, Loss);
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            GradientChecker.Check(model.Parameters[i].FullName, model.Parameters[i].Value, parameterGradients[i], Loss);
        }
    }

    [Fact]
    public void BackwardParametersOnly_MatchesFullBackward()
    {
        var model = Model.Create(Spec(LossKind.SoftmaxCrossEntropy, 4));
        var input = GradientChecker.Random(3, 6, seed: 2);
        var upstream = GradientChecker.Random(3, 4, seed: 3);
        var pass = new ForwardPass(ForwardMode.Train, 9, 0);
        model.Forward(input, pass);
        model.Backward(upstream);
        var full = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        model.Forward(input, pass);
        model.BackwardParametersOnly(upstream);
        for (int i = 0; i < full.Length; i++)
        {
            Assert.Equal(full[i], model.Parameters[i].Gradient.ToArray());
        }
    }
}
