using DropoutService.Server.Options;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Server.Hosting;

/// <summary>
/// <c>--health-check</c>: asks the server's own port on 127.0.0.1 for grpc.health.v1 Check and
/// exits 0 when SERVING, 1 otherwise (a container HEALTHCHECK; the image has no gRPC probe tool).
/// </summary>
public static class HealthCheckCommand
{
    public const string Flag = "--health-check";

    public static bool IsRequested(string[] args) => args.Contains(Flag, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = ServerApp.BuildConfiguration(args.Where(a => a != Flag).ToArray());
        var server = configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        string scheme = server.UseTls ? "https" : "http";
        using var handler = new SocketsHttpHandler
        {
            // Our own certificate, reached by IP: its name cannot match 127.0.0.1.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };
        using var channel = GrpcChannel.ForAddress($"{scheme}://127.0.0.1:{server.Port}", new GrpcChannelOptions { HttpHandler = handler });
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            Console.WriteLine(reply.Status);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving ? 0 : 1;
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine($"health check failed: {e.Status.StatusCode} {e.Status.Detail}");
            return 1;
        }
    }
}
