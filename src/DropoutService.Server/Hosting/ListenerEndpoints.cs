using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DropoutService.Server.Hosting;

/// <summary>The server's listeners (gRPC, metrics) and, once bound, their actual endpoints (port 0 resolved).</summary>
public sealed class ListenerEndpoints
{
    private ListenOptions? _grpc;
    private ListenOptions? _metrics;

    internal void SetGrpc(ListenOptions listen) => _grpc = listen;

    internal void SetMetrics(ListenOptions listen) => _metrics = listen;

    /// <summary>The bound gRPC endpoint (null before start).</summary>
    public IPEndPoint? Grpc => _grpc?.IPEndPoint;

    /// <summary>The bound metrics endpoint (null before start or when metrics are off).</summary>
    public IPEndPoint? Metrics => _metrics?.IPEndPoint;

    public bool IsMetricsPort(int port) => Metrics?.Port == port;
}
