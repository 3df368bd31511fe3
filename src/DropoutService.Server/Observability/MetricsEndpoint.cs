using DropoutService.Server.Options;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Observability;

/// <summary>
/// The Prometheus scrape endpoint lives on its own HTTP/1.1 listener. Its connections are marked
/// when accepted; requests on them get the scrape page (at Metrics:Path) or 404, and never reach
/// the gRPC services. The gRPC port never serves the scrape page.
/// </summary>
public static class MetricsEndpoint
{
    private const string ConnectionMark = "dropout.metrics-listener";

    /// <summary>Listens for scrapes on the metrics address and port; returns the listener.</summary>
    public static ListenOptions Listen(KestrelServerOptions kestrel, System.Net.IPAddress address, int port)
    {
        ListenOptions? listener = null;
        kestrel.Listen(address, port, listen =>
        {
            listener = listen;
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Items[ConnectionMark] = true;
                return next(connection);
            });
        });
        return listener!;
    }

    public static bool IsMetricsConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ConnectionMark) == true;

    /// <summary>Adds the scrape branch: first in the pipeline, so no other middleware (authentication included) sees a scrape.</summary>
    public static WebApplication UseDropoutMetricsEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }
        app.UseWhen(IsMetricsConnection, branch =>
        {
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: c => c.Request.Path == options.Path,
                path: null, configureBranchedPipeline: null, optionsName: null);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
        return app;
    }
}
