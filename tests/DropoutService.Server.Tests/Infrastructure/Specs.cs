using DropoutService.Api.V1;
using Google.Protobuf;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>Wire specs and tensors for tests.</summary>
public static class Specs
{
    public static LayerSpec Dense(int units) => new() { Dense = new DenseLayer { Units = units } };

    public static LayerSpec Relu() => new() { Relu = new ReluLayer() };

    public static LayerSpec Tanh() => new() { Tanh = new TanhLayer() };

    public static LayerSpec Dropout(float rate) => new() { Dropout = new DropoutLayer { Rate = rate } };

    public static ModelSpec Classifier(int inputs, int classes, float dropout = 0.5f, int hidden = 16, ulong seed = 1)
    {
        var spec = new ModelSpec { InputSize = inputs, Loss = Loss.SoftmaxCrossEntropy, Seed = seed };
        spec.Layers.Add(Dense(hidden));
        spec.Layers.Add(Relu());
        if (dropout > 0)
        {
            spec.Layers.Add(Dropout(dropout));
        }
        spec.Layers.Add(Dense(classes));
        return spec;
    }

    public static Tensor Values(int rows, int columns, params float[] values)
    {
        var t = new Tensor { Shape = { rows, columns }, Values = new FloatList() };
        t.Values.Values.Add(values);
        return t;
    }

    public static Tensor Raw(int rows, int columns, float[] values) =>
        new() { Shape = { rows, columns }, Raw = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };

    /// <summary>Deterministic pseudo-random values in [-1, 1).</summary>
    public static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new float[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return result;
    }

    public static float[] Floats(Tensor tensor) =>
        tensor.DataCase == Tensor.DataOneofCase.Raw
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.Raw.Span).ToArray()
            : tensor.Values.Values.ToArray();
}
