using DropoutService.Engine.Layers.Dropout;

namespace DropoutService.Engine.Tests.Layers.Dropout;

public class DropoutRunnerTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(16)]
    public void Apply_ManyThreads_IdenticalToSingleThreaded(int degree)
    {
        // Arrange: above the parallel threshold and not a multiple of the chunk or word length.
        int length = DropoutRunner.MinParallelLength * 3 + 77;
        var mask = new DropoutMask(1, 2, 3, 0.5f);
        float[] source = Enumerable.Range(0, length).Select(i => (float)(i % 101) - 50.5f).ToArray();
        var expected = new float[length];
        var expectedBits = new ulong[DropoutKernels.WordsFor(length)];
        DropoutKernels.Apply(mask, source, expected, 0, expectedBits, MaskKernel.Scalar);
        var runner = new DropoutRunner();

        // Act: run twice so the second run exercises a reused runner (a new generation).
        var destination = new float[length];
        var bits = new ulong[expectedBits.Length];
        var fromBits = new float[length];
        for (int repeat = 0; repeat < 2; repeat++)
        {
            Array.Clear(destination);
            runner.Apply(mask, source, destination, bits, MaskKernel.Auto, degree);
            runner.ApplyBits(bits, mask.Scale, source, fromBits, MaskKernel.Auto, degree);

            // Assert
            Assert.Equal(expected, destination);
            Assert.Equal(expectedBits, bits);
            Assert.Equal(expected, fromBits);
        }
    }
}
