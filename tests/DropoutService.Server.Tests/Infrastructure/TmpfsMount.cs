using System.Diagnostics;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>A small tmpfs of the test's own (root only): a store that can be filled or made read-only.</summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(int megabytes)
    {
        Requirements.RequireRoot();
        string path = ServerHost.NewStoreDirectory();
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        return new TmpfsMount(path);
    }

    private bool _readOnly;

    /// <summary>
    /// Makes the store read-only under the running server: a read-only bind mount of the directory
    /// over itself (a plain remount,ro is refused while the server holds its lock file open for
    /// writing); every path the server opens from now on is on a read-only file system (EROFS).
    /// </summary>
    public void RemountReadOnly()
    {
        Run("mount", "--bind", Path, Path);
        Run("mount", "-o", "remount,bind,ro", Path);
        _readOnly = true;
    }

    public void RemountReadWrite()
    {
        Run("umount", Path);
        _readOnly = false;
    }

    /// <summary>Fills the file system with one file until it is full; returns the file (delete it to free the space).</summary>
    public string Fill()
    {
        string filler = System.IO.Path.Combine(Path, "filler.bin");
        var block = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }
        for (int size = block.Length / 2; size > 0; size /= 2)
        {
            try
            {
                stream.Write(block.AsSpan(0, size));
            }
            catch (IOException)
            {
            }
        }
        return filler;
    }

    public void Dispose()
    {
        if (_readOnly)
        {
            RemountReadWrite();
        }
        Run("umount", Path);
        Directory.Delete(Path);
    }

    private static void Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}
