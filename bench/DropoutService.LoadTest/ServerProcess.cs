using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DropoutService.LoadTest;

/// <summary>
/// The real server, started as its own process (dotnet DropoutService.Server.dll) on a free
/// loopback port with a temporary store, so that the load generator does not share its process.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _store;
    private readonly string _log;

    private ServerProcess(Process process, string url, string store, string log)
    {
        _process = process;
        Url = url;
        _store = store;
        _log = log;
    }

    public string Url { get; }

    public int Id => _process.Id;

    public static ServerProcess Start(string serverDll, IEnumerable<string> extraArgs)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"Server not found at {serverDll}; build it (dotnet build -c Release) or pass --server-dll.", serverDll);
        }
        int port = FreePort();
        string store = Path.Combine(Path.GetTempPath(), "dropout-loadtest", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(store);
        string log = Path.Combine(store, "..", Path.GetFileName(store) + ".log");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var a in (string[])["--Server:Address=127.0.0.1", $"--Server:Port={port}", $"--Store:Path={store}", "--Logging:Format=console"])
        {
            start.ArgumentList.Add(a);
        }
        foreach (var a in extraArgs)
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, $"http://127.0.0.1:{port}", store, log);
    }

    /// <summary>Processor time the server has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The server exited with code {_process.ExitCode}; see {_log}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_store, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
