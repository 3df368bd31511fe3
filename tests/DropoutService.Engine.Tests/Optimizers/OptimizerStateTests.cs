using DropoutService.Engine.Layers;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;
using static DropoutService.Engine.Tests.Optimizers.OptimizerTestHelpers;

namespace DropoutService.Engine.Tests.Optimizers;

/// <summary>State handling common to every optimizer: persistence, export/import, validation.</summary>
public class OptimizerStateTests
{
    public static TheoryData<OptimizerKind> AllKinds => new(Enum.GetValues<OptimizerKind>());

    public static TheoryData<OptimizerKind> KindsWithState =>
        new(OptimizerKind.Momentum, OptimizerKind.Nesterov, OptimizerKind.RmsProp, OptimizerKind.Adam);

    private static IOptimizer Create(OptimizerKind kind) => OptimizerFactory.Create(new OptimizerSettings { Kind = kind });

    private static Parameter[] Model(int seed)
    {
        var rng = new Random(seed);
        return
        [
            new Parameter("dense0", "weight", ParameterKind.Weight, Tensor.FromSpan(5, 7, RandomArray(rng, 35))),
            new Parameter("dense0", "bias", ParameterKind.Bias, Tensor.FromSpan(1, 7, RandomArray(rng, 7))),
        ];
    }

    private static void Train(IOptimizer optimizer, Parameter[] ps, Random gradients, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            foreach (var p in ps)
            {
                RandomArray(gradients, p.Gradient.Length).CopyTo(p.Gradient.Span);
            }
            optimizer.Step(ps, 0.05f);
        }
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void ExportImport_ResumeAfterTwoSteps_BitwiseEqualToUninterruptedFiveSteps(OptimizerKind kind)
    {
        var uninterrupted = Model(1);
        var reference = Create(kind);
        Train(reference, uninterrupted, new Random(9), 5);

        var resumed = Model(1);
        var gradients = new Random(9);
        var first = Create(kind);
        Train(first, resumed, gradients, 2);
        var second = Create(kind);
        second.ImportState(first.ExportState(), resumed);
        Train(second, resumed, gradients, 3);

        Assert.Equal(5, second.StepCount);
        for (int i = 0; i < resumed.Length; i++)
        {
            Assert.Equal(uninterrupted[i].Value.ToArray(), resumed[i].Value.ToArray());
        }
        var expected = reference.ExportState();
        var actual = second.ExportState();
        Assert.Equal(expected.Buffers.Keys.Order(), actual.Buffers.Keys.Order());
        foreach (var (name, values) in expected.Buffers)
        {
            Assert.Equal(values, actual.Buffers[name]);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, new string[0])]
    [InlineData(OptimizerKind.Momentum, new[] { "velocity" })]
    [InlineData(OptimizerKind.Nesterov, new[] { "velocity" })]
    [InlineData(OptimizerKind.RmsProp, new[] { "square_avg" })]
    [InlineData(OptimizerKind.Adam, new[] { "m", "v" })]
    public void ExportState_NamesBuffersByParameterAndSlot(OptimizerKind kind, string[] slots)
    {
        var optimizer = Create(kind);
        var ps = Model(2);
        Train(optimizer, ps, new Random(1), 1);

        var state = optimizer.ExportState();

        var expected = new[] { "dense0.weight", "dense0.bias" }.SelectMany(p => slots.Select(s => $"{p}/{s}")).Order();
        Assert.Equal(expected, state.Buffers.Keys.Order());
        Assert.Equal(kind, state.Kind);
        Assert.All(state.Buffers, b => Assert.Equal(b.Key.StartsWith("dense0.weight/", StringComparison.Ordinal) ? 35 : 7, b.Value.Length));
    }

    [Theory]
    [MemberData(nameof(KindsWithState))]
    public void ExportState_ReturnsDeepCopy(OptimizerKind kind)
    {
        var optimizer = Create(kind);
        Train(optimizer, Model(3), new Random(2), 2);
        var exported = optimizer.ExportState();
        var snapshot = exported.Buffers.ToDictionary(b => b.Key, b => b.Value.ToArray());

        foreach (var buffer in exported.Buffers.Values)
        {
            buffer.AsSpan().Fill(123f);
        }

        foreach (var (name, values) in optimizer.ExportState().Buffers)
        {
            Assert.Equal(snapshot[name], values);
        }
    }

    [Theory]
    [MemberData(nameof(KindsWithState))]
    public void ImportState_CopiesTheBuffers(OptimizerKind kind)
    {
        var source = Create(kind);
        Train(source, Model(4), new Random(3), 2);
        var state = source.ExportState();
        var target = Create(kind);
        target.ImportState(state);

        foreach (var buffer in state.Buffers.Values)
        {
            buffer.AsSpan().Fill(-5f);
        }

        Assert.All(target.ExportState().Buffers.Values, b => Assert.DoesNotContain(-5f, b));
    }

    [Fact]
    public void Step_NewParameterObjectWithSameName_ContinuesItsState()
    {
        // A model clone has new Parameter objects with the same names: the velocity must carry over.
        // Step 1 on p: v = -0.1, w = 0.9. Step 2 on a clone q (w = 0.9, g = 1): v = -0.09 - 0.1 = -0.19, w = 0.71.
        var momentum = new MomentumOptimizer();
        var p = Weight("dense0", 1f);
        p.Gradient.Span[0] = 1f;
        momentum.Step([p], 0.1f);
        var q = Weight("dense0", p.Value.ToArray());
        q.Gradient.Span[0] = 1f;

        momentum.Step([q], 0.1f);

        AssertClose([0.71], q.Value.ToArray());
    }

    [Fact]
    public void ImportState_AfterSteppingTheSameParameterObjects_ReplacesTheirState()
    {
        // p has velocity -0.1 after one step; importing a zero velocity must take effect for the
        // same Parameter object: v = 0 - 0.1·1 = -0.1, w = 0.9 - 0.1 = 0.8 (stale state: v = -0.19, w = 0.71).
        var momentum = new MomentumOptimizer();
        var p = Weight("dense0", 1f);
        p.Gradient.Span[0] = 1f;
        momentum.Step([p], 0.1f);
        momentum.ImportState(new OptimizerState(OptimizerKind.Momentum, 0, new Dictionary<string, float[]> { ["dense0.weight/velocity"] = [0f] }));

        momentum.Step([p], 0.1f);

        AssertClose([0.8], p.Value.ToArray());
        Assert.Equal(1, momentum.StepCount);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Step_AfterFirst_DoesNotAllocate(OptimizerKind kind)
    {
        var optimizer = Create(kind);
        var ps = Model(5);
        optimizer.Step(ps, 0.01f);
        optimizer.Step(ps, 0.01f);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            optimizer.Step(ps, 0.01f);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ImportState_WrongKind_Throws()
    {
        var state = new MomentumOptimizer().ExportState();

        var ex = Assert.Throws<ArgumentException>(() => new AdamOptimizer().ImportState(state));
        Assert.Contains("Momentum", ex.Message);
    }

    [Fact]
    public void ImportState_UnknownBufferName_Throws()
    {
        var state = new OptimizerState(OptimizerKind.Momentum, 1, new Dictionary<string, float[]> { ["dense0.weight/m"] = [0f] });

        Assert.Throws<ArgumentException>(() => new MomentumOptimizer().ImportState(state));
    }

    [Fact]
    public void ImportState_MomentsOfDifferentLengths_Throws()
    {
        var state = new OptimizerState(OptimizerKind.Adam, 1, new Dictionary<string, float[]>
        {
            ["dense0.weight/m"] = [0f, 0f],
            ["dense0.weight/v"] = [0f, 0f, 0f],
        });

        Assert.Throws<ArgumentException>(() => new AdamOptimizer().ImportState(state));
    }

    [Fact]
    public void ImportState_MissingSecondMoment_Throws()
    {
        var state = new OptimizerState(OptimizerKind.Adam, 1, new Dictionary<string, float[]> { ["dense0.weight/m"] = [0f] });

        Assert.Throws<ArgumentException>(() => new AdamOptimizer().ImportState(state));
    }

    [Fact]
    public void ImportState_NegativeStepCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SgdOptimizer().ImportState(new OptimizerState(OptimizerKind.Sgd, -1, new Dictionary<string, float[]>())));
    }

    [Fact]
    public void ImportState_WithParameters_WrongLengthOrUnknownOrMissingParameter_Throws()
    {
        var p = Weight("dense0", 1f, 2f);
        var wrongLength = new OptimizerState(OptimizerKind.Momentum, 1, new Dictionary<string, float[]> { ["dense0.weight/velocity"] = [0f, 0f, 0f] });
        var unknown = new OptimizerState(OptimizerKind.Momentum, 1, new Dictionary<string, float[]>
        {
            ["dense0.weight/velocity"] = [0f, 0f],
            ["dense9.weight/velocity"] = [0f, 0f],
        });
        var missing = new OptimizerState(OptimizerKind.Momentum, 1, new Dictionary<string, float[]>());
        var optimizer = new MomentumOptimizer();

        Assert.Throws<ArgumentException>(() => optimizer.ImportState(wrongLength, [p]));
        Assert.Throws<ArgumentException>(() => optimizer.ImportState(unknown, [p]));
        Assert.Throws<ArgumentException>(() => optimizer.ImportState(missing, [p]));
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void Step_ImportedBufferOfWrongLength_ThrowsAndLeavesWeights()
    {
        var optimizer = new MomentumOptimizer();
        optimizer.ImportState(new OptimizerState(OptimizerKind.Momentum, 4, new Dictionary<string, float[]> { ["dense0.weight/velocity"] = [0f, 0f, 0f] }));
        var other = Bias("dense0", 5f);
        var p = Weight("dense0", 1f, 2f);
        other.Gradient.Span.Fill(1f);
        p.Gradient.Span.Fill(1f);

        var ex = Assert.Throws<ArgumentException>(() => optimizer.Step([other, p], 0.1f));

        Assert.Contains("dense0.weight", ex.Message);
        Assert.Equal([5f], other.Value.ToArray());
        Assert.Equal([1f, 2f], p.Value.ToArray());
        Assert.Equal(4, optimizer.StepCount);
    }
}
