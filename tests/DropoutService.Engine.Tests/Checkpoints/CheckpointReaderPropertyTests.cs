using System.Buffers.Binary;
using CsCheck;
using DropoutService.Engine.Checkpoints;
using Xunit.Abstractions;

namespace DropoutService.Engine.Tests.Checkpoints;

/// <summary>
/// The checkpoint reader against mutated files (a CsCheck property test), seeded with the golden
/// checkpoints of every format version: truncations, bit flips, 32- and 64-bit fields set to huge
/// values, inserted and deleted ranges, overwritten ranges and random bytes, each applied to the
/// whole file (the frame and checksum checks) or to the payload and then re-framed with a correct
/// checksum (so the payload decoder sees it). Every input either loads or throws one of the
/// reader's <see cref="CheckpointException"/>s; never another exception type, never a hang, never
/// an allocation beyond what the file's size justifies.
/// </summary>
/// <remarks>
/// About 20 s per run by default; a long run, or a replay: see docs/checkpoint-format.md
/// ("Property test"). CsCheck rather than SharpFuzz + afl++: afl++ needs a native toolchain and an
/// instrumented build and pays off only over hours, while a property test is deterministic for a
/// seed, shrinks a failure to a small case, and runs in the normal suite and CI.
/// </remarks>
public sealed class CheckpointReaderPropertyTests(ITestOutputHelper output)
{
    /// <summary>Default run time, seconds (override with the CsCheck_Time environment variable).</summary>
    private const int DefaultSeconds = 20;

    // What decoding may allocate: a few times the file (tensors, dictionaries, names) plus a fixed allowance.
    private const long AllocationFactor = 16;
    private const long AllocationAllowance = 512 * 1024;

    private static readonly uint[] Huge32 = [uint.MaxValue, int.MaxValue, 0x8000_0000, 0x7FFF_FFF0, 1 << 24, 1 << 16, 0xFFFF_FFFE];
    private static readonly ulong[] Huge64 = [ulong.MaxValue, long.MaxValue, 1UL << 32, 1UL << 40, 1UL << 31, 0x8000_0000_0000_0000];

    private static readonly Lazy<(string Name, uint Version, byte[] Bytes)[]> Seeds = new(() =>
        [.. new[] { "v1", "v2" }.SelectMany(v => Directory.GetFiles(GoldenExpectation.Directory(v), "*.ckpt").Order(StringComparer.Ordinal))
            .Select(f =>
            {
                byte[] bytes = File.ReadAllBytes(f);
                return ($"{Path.GetFileName(Path.GetDirectoryName(f))}/{Path.GetFileName(f)}", BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), bytes);
            })]);

    [Fact]
    public void Seeds_CoverEveryFormatVersionAndLoad()
    {
        var seeds = Seeds.Value;
        for (uint v = CheckpointFile.OldestFormatVersion; v <= CheckpointFile.FormatVersion; v++)
        {
            Assert.Contains(seeds, s => s.Version == v);
        }
        Assert.All(seeds, s => CheckpointFile.Deserialize(s.Bytes));
    }

    [Fact]
    public async Task Deserialize_MutatedCheckpoints_LoadOrThrowCheckpointExceptionWithinTheFileSizeBudget()
    {
        var seeds = Seeds.Value;
        foreach (var seed in seeds)
        {
            CheckpointFile.Deserialize(seed.Bytes); // JIT and first-use allocations out of the measurement
        }
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Time"), out int t) && t > 0 ? t : DefaultSeconds;
        long runs = 0, loaded = 0;
        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Bool)
            .Select(x => Mutate(seeds[x.Item1], x.Item2, x.Item3, x.Item4));

        var sample = Task.Run(() => gen.Sample(m =>
        {
            runs++;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                CheckpointFile.Deserialize(m.Bytes);
                loaded++;
            }
            catch (CheckpointException)
            {
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long allowed = AllocationFactor * m.Bytes.Length + AllocationAllowance;
            if (allocated > allowed)
            {
                throw new InvalidOperationException($"{m}: allocated {allocated} bytes for a {m.Bytes.Length}-byte file (allowed {allowed})");
            }
        }, time: seconds, threads: 1, print: m => m.ToString(), writeLine: output.WriteLine));

        // A hang in the reader shows as a run that does not end (no per-input timer needed).
        var limit = TimeSpan.FromSeconds(seconds + 120);
        Assert.True(await Task.WhenAny(sample, Task.Delay(limit)) == sample, $"the sample did not finish within {limit}: the reader hangs on some input");
        await sample;
        output.WriteLine($"{runs} mutated files, {loaded} of them still loaded");
        Assert.True(runs > 100, $"only {runs} inputs in {seconds} s");
    }

    /// <summary>One mutated file: which seed, what was done, and the bytes.</summary>
    public sealed record Mutant(string Seed, string Mutation, byte[] Bytes)
    {
        public override string ToString() => $"{Seed} {Mutation} ({Bytes.Length} bytes)";
    }

    private static Mutant Mutate((string Name, uint Version, byte[] Bytes) seed, int kind, int salt, bool reframe)
    {
        var random = new Random(salt);
        int payloadLength = seed.Bytes.Length - CheckpointFile.HeaderLength - CheckpointFile.ChecksumLength;
        byte[] target = reframe ? seed.Bytes.AsSpan(CheckpointFile.HeaderLength, payloadLength).ToArray() : (byte[])seed.Bytes.Clone();
        string what;
        switch (kind)
        {
            case 0:
                int keep = random.Next(target.Length);
                target = target[..keep];
                what = $"truncated to {keep}";
                break;
            case 1:
                int flips = random.Next(1, 9);
                var positions = new List<int>();
                for (int i = 0; i < flips; i++)
                {
                    int bit = random.Next(target.Length * 8);
                    target[bit / 8] ^= (byte)(1 << (bit % 8));
                    positions.Add(bit);
                }
                what = $"bits flipped at {string.Join(",", positions)}";
                break;
            case 2:
                int at32 = random.Next(Math.Max(1, target.Length - 3));
                uint v32 = Huge32[random.Next(Huge32.Length)];
                if (target.Length >= 4)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(target.AsSpan(at32), v32);
                }
                what = $"uint32 {v32} at {at32}";
                break;
            case 3:
                int at64 = random.Next(Math.Max(1, target.Length - 7));
                ulong v64 = Huge64[random.Next(Huge64.Length)];
                if (target.Length >= 8)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(target.AsSpan(at64), v64);
                }
                what = $"uint64 {v64} at {at64}";
                break;
            case 4:
                int from = random.Next(target.Length + 1);
                int count = random.Next(1, 65);
                if (random.Next(2) == 0)
                {
                    count = Math.Min(count, target.Length - from);
                    target = [.. target.AsSpan(0, from), .. target.AsSpan(from + count)];
                    what = $"{count} bytes deleted at {from}";
                }
                else
                {
                    var inserted = new byte[count];
                    random.NextBytes(inserted);
                    target = [.. target.AsSpan(0, from), .. inserted, .. target.AsSpan(from)];
                    what = $"{count} random bytes inserted at {from}";
                }
                break;
            case 5:
                int start = random.Next(target.Length);
                int length = Math.Min(random.Next(1, 257), target.Length - start);
                byte fill = random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) };
                target.AsSpan(start, length).Fill(fill);
                what = $"{length} bytes set to {fill:X2} at {start}";
                break;
            default:
                target = new byte[random.Next(0, 4097)];
                random.NextBytes(target);
                what = "random bytes";
                break;
        }
        if (!reframe)
        {
            return new Mutant(seed.Name, what, target);
        }
        var file = new byte[CheckpointFile.HeaderLength + target.Length + CheckpointFile.ChecksumLength];
        target.CopyTo(file, CheckpointFile.HeaderLength);
        return new Mutant(seed.Name, "payload " + what + ", re-framed", CheckpointFile.Frame(file, seed.Version));
    }
}
