using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;

namespace DropoutService.Server.Tests.Grpc;

public sealed class MonteCarloTests
{
    [Fact]
    public async Task Predict_McSamplesWithDropout_PositiveStdAndEntropy_WithoutDropout_ZeroStd()
    {
        await using var server = await ServerHost.StartAsync();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "with", Spec = Specs.Classifier(6, 4, dropout: 0.5f, hidden: 32) });
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "without", Spec = Specs.Classifier(6, 4, dropout: 0f, hidden: 32) });
        var inputs = Specs.Values(3, 6, Specs.Random(18, 2));

        var with = await server.Inference.PredictAsync(new PredictRequest { ModelId = "with", Inputs = inputs, McSamples = 30, Seed = 4 });
        var without = await server.Inference.PredictAsync(new PredictRequest { ModelId = "without", Inputs = inputs, McSamples = 30, Seed = 4 });
        var again = await server.Inference.PredictAsync(new PredictRequest { ModelId = "with", Inputs = inputs, McSamples = 30, Seed = 4 });

        var stdWith = Specs.Floats(with.StandardDeviation);
        Assert.Equal(12, stdWith.Length);
        Assert.All(Enumerable.Range(0, 3), r => Assert.Contains(stdWith.Skip(r * 4).Take(4), s => s > 0));
        Assert.All(Specs.Floats(without.StandardDeviation), s => Assert.Equal(0f, s));
        Assert.Equal(3, with.PredictiveEntropy.Count);
        Assert.All(with.PredictiveEntropy, h => Assert.InRange(h, 0f, MathF.Log(4) + 1e-5f));
        Assert.All(Enumerable.Range(0, 3), r => Assert.Equal(1f, Specs.Floats(with.Probabilities).Skip(r * 4).Take(4).Sum(), 1e-4f));
        // Same seed, same samples.
        Assert.Equal(Specs.Floats(with.Probabilities), Specs.Floats(again.Probabilities));
        // Without dropout every sample is the eval pass: the mean equals the plain prediction.
        var plain = await server.Inference.PredictAsync(new PredictRequest { ModelId = "without", Inputs = inputs });
        var mean = Specs.Floats(without.Probabilities);
        var eval = Specs.Floats(plain.Probabilities);
        Assert.All(Enumerable.Range(0, mean.Length), i => Assert.Equal(eval[i], mean[i], 1e-6f));
    }

    [Fact]
    public async Task Predict_Classifier_ProbabilitiesSumToOneAndClassIdIsArgmax()
    {
        await using var server = await ServerHost.StartAsync();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "c", Spec = Specs.Classifier(6, 4) });

        var response = await server.Inference.PredictAsync(new PredictRequest { ModelId = "c", Inputs = Specs.Raw(5, 6, Specs.Random(30, 8)), OutputEncoding = TensorEncoding.Raw });

        var p = Specs.Floats(response.Probabilities);
        var logits = Specs.Floats(response.Outputs);
        Assert.Equal(TensorEncoding.Raw, response.Outputs.DataCase == Tensor.DataOneofCase.Raw ? TensorEncoding.Raw : TensorEncoding.FloatList);
        for (int r = 0; r < 5; r++)
        {
            var row = p.Skip(r * 4).Take(4).ToArray();
            Assert.Equal(1f, row.Sum(), 1e-5f);
            var logitRow = logits.Skip(r * 4).Take(4).ToArray();
            Assert.Equal(Array.IndexOf(logitRow, logitRow.Max()), response.ClassIds[r]);
        }
    }
}
