using DropoutService.Engine.Layers.Dropout;

namespace DropoutService.Engine.Tests.Layers.Dropout;

public class DropoutKernelsTests
{
    private static readonly MaskKernel[] AllKernels = [MaskKernel.Scalar, MaskKernel.Vector256, MaskKernel.Vector512, MaskKernel.Auto];

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 63)]
    [InlineData(0, 64)]
    [InlineData(128, 1000)]      // a slice starting inside a tensor (as a thread's chunk does)
    [InlineData(4096, 12_345)]
    public void Apply_EveryKernel_SameValuesAndBitsAsIsKept(int firstIndex, int length)
    {
        // Arrange
        var mask = new DropoutMask(3, 4, 5, 0.3f);
        float[] source = Enumerable.Range(0, length).Select(i => 1f + (i % 17)).ToArray();

        foreach (var kernel in AllKernels)
        {
            var destination = new float[length];
            var bits = new ulong[DropoutKernels.WordsFor(length)];
            Array.Fill(bits, 0xDEADBEEFUL); // stale contents must be overwritten, not OR-ed into

            // Act
            DropoutKernels.Apply(mask, source, destination, firstIndex, bits, kernel);

            // Assert
            for (int i = 0; i < length; i++)
            {
                bool keep = mask.IsKept(firstIndex + i);
                Assert.Equal(keep ? source[i] * mask.Scale : 0f, destination[i]);
                Assert.Equal(keep, ((bits[i / 64] >> (i % 64)) & 1) != 0);
            }
            Assert.Equal(0UL, length % 64 == 0 ? 0UL : bits[^1] >> (length % 64)); // no bits beyond the end
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(12_345)]
    public void ApplyBits_EveryKernel_ReproducesApply(int length)
    {
        // Arrange
        var mask = new DropoutMask(9, 8, 7, 0.6f);
        float[] source = Enumerable.Range(0, length).Select(i => -3f + (i % 11)).ToArray();
        var expected = new float[length];
        var bits = new ulong[DropoutKernels.WordsFor(length)];
        DropoutKernels.Apply(mask, source, expected, 0, bits, MaskKernel.Scalar);

        foreach (var kernel in AllKernels)
        {
            // Act
            var destination = new float[length];
            DropoutKernels.ApplyBits(bits, mask.Scale, source, destination, kernel);

            // Assert
            Assert.Equal(expected, destination);
        }
    }
}
