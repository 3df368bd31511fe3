using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>
/// The same server build running as a plain local process (loopback, temporary store), configured
/// through the same environment variables as the container: the reference the container's
/// behaviour is compared with.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _store;
    private readonly StringBuilder _output;

    private LocalServer(Process process, string store, int port, StringBuilder output)
    {
        _process = process;
        _store = store;
        _output = output;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public GrpcChannel Channel { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>The server assembly built alongside this test project (same configuration).</summary>
    public static string ServerAssembly
    {
        get
        {
            string configuration = typeof(LocalServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
            return Path.Combine(RepoPaths.Root, "src", "DropoutService.Server", "bin", configuration, "net10.0", "DropoutService.Server.dll");
        }
    }

    public static async Task<LocalServer> StartAsync()
    {
        string dll = ServerAssembly;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the solution first: the server assembly is missing.", dll);
        }
        int port = FreePort();
        string store = Path.Combine(Path.GetTempPath(), $"dropout-ct-local-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.Environment["Server__Address"] = "127.0.0.1";
        info.Environment["Server__Port"] = port.ToString();
        info.Environment["Store__Path"] = store;
        info.Environment["Metrics__Port"] = "0";
        info.Environment["ASPNETCORE_HTTP_PORTS"] = "";
        info.Environment["ASPNETCORE_URLS"] = "";
        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LocalServer(process, store, port, output);
        try
        {
            await server.WaitServingAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitServingAsync(TimeSpan timeout)
    {
        var client = new Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Local server exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Local server not SERVING after {timeout}:\n{Output}");
            }
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
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
        catch (DirectoryNotFoundException)
        {
        }
    }
}
