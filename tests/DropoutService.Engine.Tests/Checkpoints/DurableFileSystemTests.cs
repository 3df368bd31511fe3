using DropoutService.Engine.Checkpoints;

namespace DropoutService.Engine.Tests.Checkpoints;

public sealed class DurableFileSystemTests : IDisposable
{
    private readonly string _directory = CheckpointSamples.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void MoveNoReplace_FreeDestination_Moves()
    {
        string source = Path.Combine(_directory, "a");
        string destination = Path.Combine(_directory, "b");
        File.WriteAllText(source, "a");

        DurableFileSystem.MoveNoReplace(source, destination);

        Assert.False(File.Exists(source));
        Assert.Equal("a", File.ReadAllText(destination));
    }

    [Fact]
    public void MoveNoReplace_DestinationExists_ThrowsAndKeepsBoth()
    {
        string source = Path.Combine(_directory, "a");
        string destination = Path.Combine(_directory, "b");
        File.WriteAllText(source, "a");
        File.WriteAllText(destination, "b");

        var e = Assert.Throws<IOException>(() => DurableFileSystem.MoveNoReplace(source, destination));

        Assert.Contains("already exists", e.Message);
        Assert.Equal("a", File.ReadAllText(source));
        Assert.Equal("b", File.ReadAllText(destination));
    }

    [Fact]
    public void FlushDirectory_ExistingDirectory_Succeeds()
    {
        DurableFileSystem.FlushDirectory(_directory);

        Assert.True(Directory.Exists(_directory));
    }

    [Fact]
    public void FlushDirectory_MissingDirectoryOnLinux_ThrowsIOException()
    {
        // Proves the libc calls really run on Linux (a silent no-op would not throw).
        if (!OperatingSystem.IsLinux())
        {
            return; // directory fsync is Linux-only; xunit 2 has no dynamic skip
        }

        var e = Assert.Throws<IOException>(() => DurableFileSystem.FlushDirectory(Path.Combine(_directory, "missing")));

        Assert.Contains("errno 2", e.Message);
    }
}
