using System.Globalization;
using DropoutService.Engine.Data;
using DropoutService.Engine.Kernels;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Training;

namespace DropoutService.Engine.Tests.Training;

/// <summary>
/// A committed golden loss curve (llm.c's expected_losses): one MLP on the UCI digits, fixed seeds,
/// the managed GEMM with its portable Vector128 kernel on one thread, compared bit for bit. A change
/// that alters training numerics anywhere (initialisation, shuffling, dropout masks, kernels,
/// losses, optimizer, regularisers) fails here; the determinism test in TrainerTests only compares a
/// run with itself.
/// Regenerate only on purpose (a deliberate change of numerics, said so in the commit):
///   dotnet test tests/DropoutService.Engine.Tests -c Release --filter "FullyQualifiedName~PinnedLossTrajectoryTests"
/// and paste the "actual" list the failure prints over <see cref="ExpectedLossBits"/>.
/// </summary>
public class PinnedLossTrajectoryTests
{
    // Per-epoch mean training loss as float32 bit patterns; generated at commit 07a4275 (before the
    // layer-type refactoring) and unchanged by it.
    private static readonly uint[] ExpectedLossBits =
    [
        0x401180DB, 0x3FE22E07, 0x3FA5A450, 0x3F792BCE, 0x3F5411AC, 0x3F412F72, 0x3F20F1E1, 0x3F0ACF64,
    ];

    [Fact]
    public void Fit_DigitsMlp_FixedSeed_ReproducesGoldenLossesBitwise()
    {
        var all = DigitsCsv.Load(Path.Combine(AppContext.BaseDirectory, "testdata", "digits.csv.gz"));
        var (train, _) = StratifiedSplit.Split(all.ClassIds!, 0.8f, seed: 3);
        var data = all.Subset(train); // 360 examples: small enough to run in a second
        var spec = new ModelSpec
        {
            InputSize = 64,
            Layers = [LayerSpec.Dense(32), LayerSpec.Relu(), LayerSpec.Dropout(0.3f), LayerSpec.Dense(16, WeightInit.Xavier), LayerSpec.Tanh(), LayerSpec.Dense(10)],
            Seed = 2024,
        };
        var options = new TrainingOptions
        {
            Epochs = 8,
            BatchSize = 32,
            LearningRate = 0.05f,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Momentum = 0.9f },
            WeightDecay = 1e-4f,
            MaxNorm = 3f,
            Seed = 17,
        };
        var model = Model.Create(spec, new ManagedBlas(1, GemmKernelKind.Vector128));

        var history = new Trainer(model, options).Fit(data).History;

        var actual = history.Select(h => BitConverter.SingleToUInt32Bits(h.TrainLoss)).ToArray();
        string Listing(uint[] bits) => string.Join(", ", bits.Select(b => "0x" + b.ToString("X8", CultureInfo.InvariantCulture)));
        string Values(uint[] bits) => string.Join(", ", bits.Select(b => BitConverter.UInt32BitsToSingle(b).ToString("R", CultureInfo.InvariantCulture)));
        Assert.True(
            ExpectedLossBits.SequenceEqual(actual),
            $"The loss trajectory changed.\nexpected: [{Listing(ExpectedLossBits)}] ({Values(ExpectedLossBits)})\nactual:   [{Listing(actual)}] ({Values(actual)})");
    }
}
