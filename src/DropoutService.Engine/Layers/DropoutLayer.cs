using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

// TEMPORARY: the dropout work replaces this with the counter-based implementation.
public sealed class DropoutLayer : ILayer
{
    public DropoutLayer(int index, int size, float rate)
    {
        Index = index;
        InputSize = size;
        Rate = rate;
        Name = $"dropout{index}";
    }

    public string Name { get; }

    public int Index { get; }

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public float Rate { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public Tensor Forward(Tensor input, in ForwardPass pass) => throw new NotImplementedException();

    public Tensor Backward(Tensor outputGradient) => throw new NotImplementedException();

    public ILayer Replicate(IReadOnlyList<Tensor> parameterValues) => new DropoutLayer(Index, InputSize, Rate);
}
