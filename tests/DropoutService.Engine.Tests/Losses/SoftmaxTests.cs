using DropoutService.Engine.Losses;

namespace DropoutService.Engine.Tests.Losses;

public class SoftmaxTests
{
    [Fact]
    public void Rows_RandomAndHugeLogits_EachRowSumsToOneAndIsFinite()
    {
        var rng = new Random(2);
        const int columns = 10;
        var logits = new float[4 * columns];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)(rng.NextDouble() * 20 - 10);
        }
        logits[0] = 1e4f;       // row 0 dominated by one huge logit
        logits[columns] = -1e4f;  // row 1 has a hugely negative one
        logits.AsSpan(2 * columns, columns).Fill(3e4f); // row 2 all huge: uniform
        var probabilities = new float[logits.Length];

        Softmax.Rows(logits, probabilities, columns);

        for (int r = 0; r < 4; r++)
        {
            var row = probabilities.AsSpan(r * columns, columns);
            double sum = 0;
            foreach (float p in row)
            {
                Assert.True(float.IsFinite(p) && p >= 0f);
                sum += p;
            }
            Assert.Equal(1.0, sum, 5);
        }
        Assert.Equal(1f, probabilities[0], 6);
        Assert.Equal(0f, probabilities[columns]);
        Assert.Equal(0.1f, probabilities[2 * columns + 3], 6);
    }

    [Fact]
    public void Rows_KnownValues_InPlace()
    {
        // Row 0: exp(0) : exp(ln 3) = 1 : 3 -> (1/4, 3/4). Row 1: equal logits -> (1/2, 1/2).
        float[] data = [0f, MathF.Log(3f), 5f, 5f];

        Softmax.Rows(data, data, 2);

        Assert.Equal(0.25f, data[0], 6);
        Assert.Equal(0.75f, data[1], 6);
        Assert.Equal(0.5f, data[2], 6);
        Assert.Equal(0.5f, data[3], 6);
    }

    [Fact]
    public void Rows_MismatchedLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => Softmax.Rows(new float[6], new float[4], 2));
        Assert.Throws<ArgumentException>(() => Softmax.Rows(new float[5], new float[5], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.Rows(new float[4], new float[4], 0));
    }
}
