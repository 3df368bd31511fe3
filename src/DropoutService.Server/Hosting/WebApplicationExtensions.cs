using System.Net;
using System.Security.Cryptography.X509Certificates;
using DropoutService.Server.Grpc;
using DropoutService.Server.Options;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DropoutService.Server.Hosting;

/// <summary>Kestrel, logging and endpoint wiring.</summary>
public static class WebApplicationExtensions
{
    /// <summary>Environment variable that selects JSON logs (<c>json</c>) or readable console logs (<c>console</c>).</summary>
    public const string LogFormatVariable = "DROPOUT_LOG_FORMAT";

    /// <summary>One plaintext HTTP/2 endpoint (every gRPC client can speak it), or HTTP/2 over TLS when a certificate is configured.</summary>
    public static WebApplicationBuilder ConfigureDropoutKestrel(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var server = context.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
            var address = server.BindAddress;
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, server.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (server.UseTls && File.Exists(server.CertificatePath))
                {
                    listen.UseHttps(LoadCertificate(server));
                }
            });
        });
        return builder;
    }

    /// <summary>Serilog: compact JSON to stdout in containers or when asked, readable console otherwise.</summary>
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
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext();
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

    public static WebApplication MapDropoutEndpoints(this WebApplication app)
    {
        app.MapGrpcService<ModelGrpcService>();
        app.MapGrpcService<TrainingGrpcService>();
        app.MapGrpcService<InferenceGrpcService>();
        app.MapGrpcService<JobGrpcService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
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

    private static X509Certificate2 LoadCertificate(ServerOptions server) =>
        string.IsNullOrWhiteSpace(server.CertificateKeyPath)
            ? X509CertificateLoader.LoadPkcs12FromFile(server.CertificatePath!, server.CertificatePassword)
            : X509Certificate2.CreateFromPemFile(server.CertificatePath!, server.CertificateKeyPath);
}
