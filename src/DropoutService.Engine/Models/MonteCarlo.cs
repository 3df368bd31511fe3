using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>Monte-Carlo dropout prediction (Gal and Ghahramani, 2016): dropout kept on at prediction, averaged over samples.</summary>
public static class MonteCarlo
{
    /// <summary>
    /// Runs <paramref name="samples"/> passes in <see cref="ForwardMode.McDropout"/> mode; sample s
    /// uses the mask key (<paramref name="seed"/>, step s), so results are reproducible.
    /// <paramref name="cancellationToken"/> is checked before every sample (and every layer).
    /// </summary>
    public static MonteCarloPrediction Predict(Model model, Tensor input, int samples, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        int n = input.Rows, outputs = model.OutputSize;
        bool classifier = model.Spec.IsClassifier;
        var sum = new double[n * outputs];
        var sumOfSquares = new double[n * outputs];
        var probabilities = classifier ? new float[outputs] : null;
        for (int s = 0; s < samples; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = model.Forward(input, new ForwardPass(ForwardMode.McDropout, seed, s), cancellationToken);
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> row = output.Row(r);
                if (probabilities is not null)
                {
                    Softmax.Rows(row, probabilities, outputs);
                    row = probabilities;
                }
                int offset = r * outputs;
                for (int c = 0; c < outputs; c++)
                {
                    double v = row[c];
                    sum[offset + c] += v;
                    sumOfSquares[offset + c] += v * v;
                }
            }
        }
        var mean = new Tensor(n, outputs);
        var std = new Tensor(n, outputs);
        var m = mean.Span;
        var sd = std.Span;
        for (int i = 0; i < sum.Length; i++)
        {
            double mu = sum[i] / samples;
            m[i] = (float)mu;
            sd[i] = (float)Math.Sqrt(Math.Max(0.0, sumOfSquares[i] / samples - mu * mu));
        }
        float[]? entropy = null;
        if (classifier)
        {
            entropy = new float[n];
            for (int r = 0; r < n; r++)
            {
                double h = 0;
                foreach (float p in mean.Row(r))
                {
                    if (p > 0f)
                    {
                        h -= p * Math.Log(p);
                    }
                }
                entropy[r] = (float)h;
            }
        }
        return new MonteCarloPrediction(mean, std, entropy);
    }
}
