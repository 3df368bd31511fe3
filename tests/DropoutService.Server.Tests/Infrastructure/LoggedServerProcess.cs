using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// The server as operators run it, <c>dotnet DropoutService.Server.dll</c> from its build output,
/// (unlike <see cref="ServerProcess"/>: settings as environment variables, every printed line kept)
/// with settings as DROPOUT_ environment variables and every line it prints captured (for the
/// start-up, log shape and audit tests). Stopped with SIGTERM.
/// </summary>
public sealed class LoggedServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private LoggedServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
    }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    public static string ServerDll { get; } = Path.Combine(FindRepoRoot(), "src", "DropoutService.Server", "bin",
        typeof(LoggedServerProcess).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "DropoutService.Server.dll");

    /// <summary>Lines printed so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the server on a free loopback port with a temporary store and the given settings (DROPOUT_ variables).</summary>
    public static LoggedServerProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        int port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(ServerDll);
        psi.Environment["DROPOUT_SERVER__ADDRESS"] = "127.0.0.1";
        psi.Environment["DROPOUT_SERVER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DROPOUT_METRICS__PORT"] = "0";
        psi.Environment["DROPOUT_STORE__PATH"] = ServerHost.NewStoreDirectory();
        psi.Environment["DROPOUT_SERVER__SHUTDOWNGRACEPERIODSECONDS"] = "5";
        foreach (var (key, value) in settings)
        {
            psi.Environment[key] = value;
        }
        var process = new Process { StartInfo = psi };
        var server = new LoggedServerProcess(process, port);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the process to exit by itself (a refused start); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits for health SERVING; throws with the output if the process exits or times out.</summary>
    public async Task WaitServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var health = new Health.HealthClient(channel);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {_process.ExitCode}:\n{string.Join('\n', Lines)}");
            }
            try
            {
                if ((await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"server not SERVING:\n{string.Join('\n', Lines)}");
    }

    /// <summary>Waits until the output holds a line matching <paramref name="predicate"/> (log events are written asynchronously).</summary>
    public async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<IReadOnlyList<string>, bool> predicate, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var lines = Lines;
            if (predicate(lines) || DateTime.UtcNow > until)
            {
                return lines;
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DropoutService.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("DropoutService.sln not found");
    }
}
