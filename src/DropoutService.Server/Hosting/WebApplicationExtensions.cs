using DropoutService.Server.Grpc;
using DropoutService.Server.Logging;
using DropoutService.Server.Observability;
using DropoutService.Server.Options;
using DropoutService.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DropoutService.Server.Hosting;

/// <summary>Kestrel, logging and endpoint wiring.</summary>
public static class WebApplicationExtensions
{
    /// <summary>Environment variable that selects JSON logs (<c>json</c>) or readable console logs (<c>console</c>).</summary>
    public const string LogFormatVariable = "DROPOUT_LOG_FORMAT";

    /// <summary>
    /// The gRPC endpoint: plaintext HTTP/2 (every gRPC client can speak it), or HTTP/2 over TLS
    /// (ALPN h2) when a certificate is configured, asking for a client certificate when client
    /// certificates are trusted. Plus the metrics endpoint, HTTP/1.1 on its own port.
    /// </summary>
    public static WebApplicationBuilder ConfigureDropoutKestrel(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var server = context.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
            var auth = context.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
            var metrics = context.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
            // Limits:MaxMessageBytes is the request limit. grpc-dotnet lifts Kestrel's body limit
            // (30,000,000 bytes by default) for client and duplex streams only; for unary and
            // server-streaming calls it is lifted here. A body limit of exactly one frame would
            // race: Kestrel counts DATA frames as they arrive and fails the read (UNKNOWN) before
            // grpc-dotnet has read the 5-byte frame prefix that says the message is too large
            // (RESOURCE_EXHAUSTED). Memory stays bounded: grpc-dotnet refuses a frame whose
            // declared length exceeds MaxMessageBytes before buffering it, refuses data after the
            // one message, and HTTP/2 flow control bounds what arrives ahead of the reader.
            kestrel.Limits.MaxRequestBodySize = null;
            var address = server.BindAddress;
            var listeners = kestrel.ApplicationServices.GetRequiredService<ListenerEndpoints>();
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, server.Port, listen =>
            {
                listeners.SetGrpc(listen);
                listen.Protocols = HttpProtocols.Http2;
                if (server.UseTls)
                {
                    listen.UseHttps(https =>
                    {
                        https.ServerCertificate = kestrel.ApplicationServices.GetRequiredService<ServerCertificate>().Certificate;
                        if (auth.Certificates.Enabled)
                        {
                            // Asked for, not required, and not judged in the handshake: a missing or
                            // untrusted certificate becomes UNAUTHENTICATED with a reason, not a
                            // bare handshake failure. The certificate handler validates the chain.
                            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                            https.ClientCertificateValidation = (_, _, _) => true;
                        }
                    });
                }
            });
            if (metrics.Enabled)
            {
                var metricsAddress = string.IsNullOrWhiteSpace(metrics.Address) ? address : System.Net.IPAddress.Parse(metrics.Address);
                listeners.SetMetrics(MetricsEndpoint.Listen(kestrel, metricsAddress, metrics.Port));
            }
        });
        return builder;
    }

    /// <summary>
    /// Serilog: compact JSON to stdout in containers or when asked, readable console otherwise.
    /// Every string property is escaped and bounded (<see cref="SanitizingEnricher"/>).
    /// </summary>
    public static WebApplicationBuilder AddDropoutLogging(this WebApplicationBuilder builder)
    {
        bool json = UseJson(builder.Configuration);
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
                // Token and certificate rejections are our own one event per call, with the reason.
                .MinimumLevel.Override("Microsoft.AspNetCore.Authentication", LogEventLevel.Error)
                // Data protection comes with authentication and is unused (keys in memory): no key-ring warnings.
                .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
                .MinimumLevel.Override(typeof(ApiKeyAuthenticationHandler).FullName!, LogEventLevel.Error)
                .MinimumLevel.Override(typeof(AnonymousAuthenticationHandler).FullName!, LogEventLevel.Error)
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.With<SanitizingEnricher>()
                // A configuration problem at start is printed once, as one line, by ServerApp.RunAsync.
                .Filter.ByExcluding(e => e.Exception is not null && e.Level >= LogEventLevel.Error
                    && e.Properties.TryGetValue("SourceContext", out var source) && source.ToString() == "\"Microsoft.Extensions.Hosting.Internal.Host\""
                    && StartupFailure.TryDescribe(e.Exception, out _));
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Message:lj}{NewLine}{Exception}");
            }
        }, preserveStaticLogger: true);
        return builder;
    }

    /// <summary>
    /// The pipeline: the metrics branch (its own port), authentication and authorisation, then the
    /// gRPC services with the role each method needs (<see cref="RpcPermissions"/>); health and
    /// reflection stay anonymous.
    /// </summary>
    public static WebApplication MapDropoutEndpoints(this WebApplication app)
    {
        app.UseDropoutMetricsEndpoint();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrpcService<ModelGrpcService>().RequireRpcPermissions();
        app.MapGrpcService<TrainingGrpcService>().RequireRpcPermissions();
        app.MapGrpcService<InferenceGrpcService>().RequireRpcPermissions();
        app.MapGrpcService<JobGrpcService>().RequireRpcPermissions();
        app.MapGrpcHealthChecksService();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value.Reflection)
        {
            app.MapGrpcReflectionService();
        }
        return app;
    }

    internal static bool UseJson(IConfiguration configuration)
    {
        string? format = Environment.GetEnvironmentVariable(LogFormatVariable) ?? configuration["Logging:Format"];
        if (!string.IsNullOrWhiteSpace(format))
        {
            return format.Trim().Equals("json", StringComparison.OrdinalIgnoreCase);
        }
        return string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
    }
}
