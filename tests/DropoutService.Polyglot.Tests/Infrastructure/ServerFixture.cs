using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>
/// The real DropoutService server, started once per test run from its build output as
/// <c>dotnet DropoutService.Server.dll</c> (the Process handle is the server itself, pitfall 11)
/// on a free loopback port with a temporary store, configured through the DROPOUT_ environment
/// variables of docs/operations.md (or, with DROPOUTSERVICE_TEST_ADDRESS=host:port, an already
/// running server). Started lazily, so tests that need no server (buf, stub
/// freshness) run even when it cannot start; stopped with SIGTERM (then killed) at the end.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private const int LogLimit = 400;
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly Queue<string> _log = new();
    private Process? _process;
    private DirectoryInfo? _store;
    private Exception? _startError;

    /// <summary>host:port of the running server.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The server's path: DROPOUTSERVICE_SERVER_DLL, else its bin folder for this test build's configuration.</summary>
    public static string ServerDll
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable("DROPOUTSERVICE_SERVER_DLL");
            if (!string.IsNullOrEmpty(overridden))
            {
                return Path.GetFullPath(overridden);
            }
            string configuration = typeof(ServerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
            return Path.Combine(Toolchain.RepoRoot, "src", "DropoutService.Server", "bin", configuration, "net10.0", "DropoutService.Server.dll");
        }
    }

    /// <summary>The last lines the server printed.</summary>
    public string ServerLog
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Starts the server on first use and waits for health SERVING; throws (with its log) if it cannot.</summary>
    public async Task EnsureStartedAsync()
    {
        await _startLock.WaitAsync();
        try
        {
            if (_startError is not null)
            {
                throw new InvalidOperationException("the server failed to start earlier", _startError);
            }
            if (_process is not null)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the server exited with code {_process.ExitCode}:\n{ServerLog}");
                }
                return;
            }
            try
            {
                await StartAsync();
            }
            catch (Exception e)
            {
                _startError = e;
                throw;
            }
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Environment for client processes: the server address and the digits data.</summary>
    public Dictionary<string, string> ClientEnvironment()
    {
        var env = Toolchain.BaseEnvironment();
        env["DROPOUTSERVICE_ADDRESS"] = Address;
        env["DROPOUTSERVICE_DIGITS"] = Path.Combine(Toolchain.RepoRoot, "testdata", "digits.csv.gz");
        return env;
    }

    private async Task StartAsync()
    {
        // DROPOUTSERVICE_TEST_ADDRESS: test an already running server (e.g. a container) instead.
        string? external = Environment.GetEnvironmentVariable("DROPOUTSERVICE_TEST_ADDRESS");
        if (!string.IsNullOrEmpty(external) && AllowExternalServer)
        {
            Address = external;
            await WaitServingAsync(() => null);
            return;
        }
        string dll = ServerDll;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"server build output not found: {dll} (build DropoutService.sln first)", dll);
        }
        _store = Directory.CreateTempSubdirectory("dropout-polyglot-store-");
        int port = ChoosePort();
        Address = $"127.0.0.1:{port}";

        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _store.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["DROPOUT_SERVER__ADDRESS"] = "127.0.0.1";
        psi.Environment["DROPOUT_SERVER__PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["DROPOUT_STORE__PATH"] = _store.FullName;
        psi.Environment["DROPOUT_SERVER__SHUTDOWNGRACEPERIODSECONDS"] = "5";
        psi.Environment["DROPOUT_METRICS__PORT"] = "0";
        Configure(psi.Environment, _store);

        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitServingAsync(() => _process.HasExited ? _process.ExitCode : null);
    }

    private async Task WaitServingAsync(Func<int?> exitCode)
    {
        using var channel = CreateProbeChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (exitCode() is int code)
            {
                throw new InvalidOperationException($"the server exited with code {code} during start:\n{ServerLog}");
            }
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
                last = reply.Status.ToString();
            }
            catch (RpcException e)
            {
                last = e.Status.StatusCode + " " + e.Status.Detail;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server at {Address} was not SERVING after 90 s (last: {last}):\n{ServerLog}");
    }

    /// <summary>Whether DROPOUTSERVICE_TEST_ADDRESS may replace the started server.</summary>
    protected virtual bool AllowExternalServer => true;

    /// <summary>Adds server settings (environment variables) before the start; the store folder is private to this server.</summary>
    protected virtual void Configure(IDictionary<string, string?> environment, DirectoryInfo store)
    {
    }

    /// <summary>The server's port: a free loopback port unless a fixture needs a particular one.</summary>
    protected virtual int ChoosePort() => FreeLoopbackPort();

    /// <summary>The channel of the health probe.</summary>
    protected virtual GrpcChannel CreateProbeChannel() => GrpcChannel.ForAddress($"http://{Address}");

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                // SIGTERM: the graceful path (health NOT_SERVING, drain); kill only if it hangs.
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            _process.Dispose();
        }
        try
        {
            _store?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
        _startLock.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLimit)
            {
                _log.Dequeue();
            }
        }
    }

    protected static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Formats a child process result together with the server's recent log.</summary>
    public string Describe(ProcessResult result)
    {
        var sb = new StringBuilder(result.Output);
        sb.Append("\n--- server log (last lines)\n").Append(ServerLog);
        return sb.ToString();
    }
}
