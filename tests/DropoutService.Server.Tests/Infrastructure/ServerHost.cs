using DropoutService.Api.V1;
using DropoutService.Server.Hosting;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// The real server host, built by the same code as Program, on 127.0.0.1 with a free port and a
/// store directory of the test's; clients talk to it over a real HTTP/2 socket.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ServerHost(WebApplication app, string address, string storePath)
    {
        _app = app;
        Address = address;
        StorePath = storePath;
        // Tests with TLS use a throw-away self-signed certificate.
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        Models = new ModelService.ModelServiceClient(Channel);
        Training = new TrainingService.TrainingServiceClient(Channel);
        Inference = new InferenceService.InferenceServiceClient(Channel);
        Health = new Health.HealthClient(Channel);
    }

    public string Address { get; }

    public string StorePath { get; }

    public GrpcChannel Channel { get; }

    public ModelService.ModelServiceClient Models { get; }

    public TrainingService.TrainingServiceClient Training { get; }

    public InferenceService.InferenceServiceClient Inference { get; }

    public Health.HealthClient Health { get; }

    public IServiceProvider Services => _app.Services;

    public static string NewStoreDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "dropout-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Starts a server on <paramref name="storePath"/> (a new temp directory when null) and waits until health is SERVING.</summary>
    public static async Task<ServerHost> StartAsync(string? storePath = null, params string[] extraArgs)
    {
        storePath ??= NewStoreDirectory();
        string[] args =
        [
            "--Server:Address=127.0.0.1",
            "--Server:Port=0",
            "--Metrics:Port=0",
            $"--Store:Path={storePath}",
            "--Server:ShutdownGracePeriodSeconds=10",
            "--Logging:Format=console",
            "--Serilog:MinimumLevel:Default=Warning",
            .. extraArgs,
        ];
        var app = ServerApp.Build(args);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new ServerHost(app, address, storePath);
        await host.WaitServingAsync();
        return host;
    }

    public async Task WaitServingAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var reply = await Health.CheckAsync(new HealthCheckRequest());
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Server did not become SERVING: {reply.Status}");
            }
            await Task.Delay(20);
        }
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The client channel outlives StopAsync: a test that stops the server mid-call must still be
    // able to read that call's response or status, which can arrive after the host has stopped.
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Channel.Dispose();
    }
}
