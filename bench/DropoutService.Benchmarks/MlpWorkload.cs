using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Randomness;
using DropoutService.Engine.Tensors;
using DropoutService.Engine.Training;

namespace DropoutService.Benchmarks;

/// <summary>The anchor workload: MLP 784-1024-1024-10, ReLU, dropout 0.5 after each hidden layer, softmax cross-entropy.</summary>
internal static class MlpWorkload
{
    public static ModelSpec Spec => new()
    {
        InputSize = 784,
        Layers =
        [
            LayerSpec.Dense(1024), LayerSpec.Relu(), LayerSpec.Dropout(0.5f),
            LayerSpec.Dense(1024), LayerSpec.Relu(), LayerSpec.Dropout(0.5f),
            LayerSpec.Dense(10),
        ],
        Seed = 1,
    };

    /// <summary>SGD momentum 0.9, L2 1e-3, batch 128, as the anchor measures.</summary>
    public static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = 128,
        LearningRate = 0.01f,
        Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Momentum = 0.9f },
        WeightDecay = 1e-3f,
        Seed = 2,
    };

    public static Dataset RandomData(int rows, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var x = new Tensor(rows, 784);
        var span = x.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = rng.NextSingle();
        }
        var y = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = rng.NextInt(10);
        }
        return Dataset.FromClassIds(x, y);
    }
}
