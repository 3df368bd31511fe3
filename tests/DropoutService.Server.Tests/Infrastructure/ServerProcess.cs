using System.Diagnostics;
using System.Text;
using DropoutService.Api.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// The server as operators run it: <c>dotnet DropoutService.Server.dll</c> in its own process, on a
/// free loopback port, configured by command-line options; its output is kept for assertions.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        Models = new ModelService.ModelServiceClient(Channel);
        Training = new TrainingService.TrainingServiceClient(Channel);
        Inference = new InferenceService.InferenceServiceClient(Channel);
        Health = new Health.HealthClient(Channel);
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public GrpcChannel Channel { get; }

    public ModelService.ModelServiceClient Models { get; }

    public TrainingService.TrainingServiceClient Training { get; }

    public InferenceService.InferenceServiceClient Inference { get; }

    public Health.HealthClient Health { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The server assembly of the same configuration as the tests (built with them: they reference it).</summary>
    public static string ServerAssembly
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "DropoutService.sln")))
            {
                root = root.Parent;
            }
            return Path.Combine(root!.FullName, "src", "DropoutService.Server", "bin", configuration, "net10.0", "DropoutService.Server.dll");
        }
    }

    /// <summary>Starts a server process; waits until it is SERVING unless <paramref name="waitServing"/> is false.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> args, bool waitServing = true)
    {
        int port = PostgresServer.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly)!,
        };
        info.ArgumentList.Add(ServerAssembly);
        foreach (string arg in (string[])["--Server:Address=127.0.0.1", $"--Server:Port={port}", "--Metrics:Port=0", "--Logging:Format=console", "--Server:ShutdownGracePeriodSeconds=5", .. args])
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_RUNNING_IN_CONTAINER"] = "false";
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitServing)
        {
            try
            {
                await server.WaitServingAsync(TimeSpan.FromSeconds(60));
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
        return server;
    }

    public async Task<HealthCheckResponse.Types.ServingStatus?> HealthAsync()
    {
        try
        {
            return (await Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public async Task WaitServingAsync(TimeSpan timeout) => await WaitHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, timeout);

    public async Task WaitHealthAsync(HealthCheckResponse.Types.ServingStatus wanted, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Server exited with {_process.ExitCode}:\n{Output}");
            }
            if (await HealthAsync() == wanted)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Server not {wanted} after {timeout}:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
