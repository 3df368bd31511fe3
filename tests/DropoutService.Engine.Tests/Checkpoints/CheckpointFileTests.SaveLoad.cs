using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;

namespace DropoutService.Engine.Tests.Checkpoints;

public partial class CheckpointFileTests : IDisposable
{
    private readonly string _directory = CheckpointSamples.NewDirectory();

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void SaveLoad_ModelCheckpoint_RoundTripsExactly()
    {
        // Needs the real LossFactory: Model.Create instantiates the spec's loss.
        var model = Model.Create(CheckpointSamples.Spec);
        var original = Checkpoint.FromModel(model, CheckpointSamples.Direct().Optimizer, CheckpointSamples.Metadata());
        string path = Path.Combine(_directory, "v1.ckpt");

        CheckpointFile.Save(path, original);
        var loaded = CheckpointFile.Load(path);

        CheckpointSamples.AssertEquivalent(original, loaded);
        Assert.Equal(model.Parameters.Select(p => p.FullName), loaded.Parameters.Keys);
        foreach (var p in model.Parameters)
        {
            CheckpointSamples.AssertBitwiseEqual(p.Value.Span, loaded.Parameters[p.FullName].Span, p.FullName);
        }
    }

    [Fact]
    public void Save_NewFile_LeavesOnlyTheCheckpoint()
    {
        string path = Path.Combine(_directory, "v1.ckpt");

        CheckpointFile.Save(path, CheckpointSamples.Direct());

        Assert.Equal([path], Directory.GetFiles(_directory));
        Assert.Equal(CheckpointFile.Serialize(CheckpointSamples.Direct()), File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_TargetExists_ThrowsAndLeavesItUntouched()
    {
        string path = Path.Combine(_directory, "v1.ckpt");
        File.WriteAllText(path, "the good version");

        var e = Assert.Throws<IOException>(() => CheckpointFile.Save(path, CheckpointSamples.Direct()));

        Assert.Contains(path, e.Message);
        Assert.Equal("the good version", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Save_SecondSaveToSamePath_Throws()
    {
        string path = Path.Combine(_directory, "v1.ckpt");
        var first = CheckpointSamples.Direct();
        CheckpointFile.Save(path, first);

        Assert.Throws<IOException>(() => CheckpointFile.Save(path, CheckpointSamples.Direct(withOptimizer: false)));

        CheckpointSamples.AssertEquivalent(first, CheckpointFile.Load(path));
    }

    [Fact]
    public void Save_InconsistentCheckpoint_WritesNothing()
    {
        var c = CheckpointSamples.Direct();
        var bad = c with { Parameters = c.Parameters.Where(kv => kv.Key != "dense0.bias").ToDictionary() };

        Assert.Throws<ArgumentException>(() => CheckpointFile.Save(Path.Combine(_directory, "v1.ckpt"), bad));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public void Load_TruncatedFiles_ThrowTruncatedNamingThePath()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());
        int[] lengths = [0, 1, 7, 8, 12, 19, 20, 21, bytes.Length / 2, bytes.Length - 33, bytes.Length - 32, bytes.Length - 1];

        foreach (int length in lengths)
        {
            string path = Path.Combine(_directory, $"cut{length}.ckpt");
            File.WriteAllBytes(path, bytes[..length]);

            var e = Assert.Throws<CheckpointTruncatedException>(() => CheckpointFile.Load(path));

            Assert.Equal(path, e.FilePath);
            Assert.Contains(path, e.Message);
            Assert.Equal(length, e.ActualLength);
        }
    }

    [Fact]
    public void Load_NotACheckpoint_ThrowsFormatNamingThePath()
    {
        string path = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(path, "This is a text file, long enough to have a header.");

        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("\"This is \"", e.Message);
    }

    [Fact]
    public void Load_FlippedBit_ThrowsCorruptedNamingThePath()
    {
        var bytes = CheckpointFile.Serialize(CheckpointSamples.Direct());
        bytes[100] ^= 0x10;
        string path = Path.Combine(_directory, "flipped.ckpt");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<CheckpointCorruptedException>(() => CheckpointFile.Load(path));

        Assert.Equal(path, e.FilePath);
        Assert.StartsWith($"Checkpoint '{path}' is corrupted: the SHA-256 checksum", e.Message);
    }

    [Fact]
    public void Load_CheckpointException_IsAnIOException()
    {
        string path = Path.Combine(_directory, "short.ckpt");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.ThrowsAny<IOException>(() => CheckpointFile.Load(path));
    }
}
