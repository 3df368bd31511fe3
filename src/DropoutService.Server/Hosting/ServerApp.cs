using DropoutService.Server.Logging;
using DropoutService.Server.Observability;
using DropoutService.Server.Security;

namespace DropoutService.Server.Hosting;

/// <summary>Builds the server exactly as Program runs it (tests start this same host on port 0).</summary>
public static class ServerApp
{
    /// <summary>Prefix of environment variables read as configuration: DROPOUT_SERVER__PORT is Server:Port.</summary>
    public const string EnvironmentPrefix = "DROPOUT_";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits next to the binary, whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddSources(builder.Configuration, args);
        builder.AddDropoutLogging();
        builder.Services.AddDropoutOptions(builder.Configuration);
        // First hosted service: its checks run before any listener opens.
        builder.Services.AddSingleton<ServerCertificate>();
        builder.Services.AddSingleton<ListenerEndpoints>();
        builder.Services.AddHostedService<StartupChecks>();
        builder.ConfigureDropoutKestrel();
        builder.Services.AddDropoutSecurity();
        builder.Services.AddDropoutTelemetry(builder.Configuration);
        builder.Services.AddDropoutServices();
        var app = builder.Build();
        app.MapDropoutEndpoints();
        return app;
    }

    /// <summary>
    /// Builds and runs the server until shutdown. A configuration problem found at start (see
    /// <see cref="StartupFailure"/>) is logged as one line and gives exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (Exception e) when (StartupFailure.TryDescribe(e, out string line))
        {
            await Console.Error.WriteLineAsync("Cannot start: " + line);
            return 1;
        }
        await using (app)
        {
            // A directory store takes its writer lock before anything listens; a refusal is one line.
            if (!StoreLifecycleService.TryOpenStore(app.Services))
            {
                return 1;
            }
            try
            {
                await app.StartAsync();
            }
            catch (Exception e) when (StartupFailure.TryDescribe(e, out string line))
            {
                ServerLog.StartupFailed(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerApp).FullName!), line);
                return 1;
            }
            await app.WaitForShutdownAsync();
        }
        return 0;
    }

    /// <summary>The configuration Program would see, without building a host (for --health-check).</summary>
    public static IConfiguration BuildConfiguration(string[] args)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        AddSources(builder, args);
        return builder.Build();
    }

    private static void AddSources(IConfigurationBuilder configuration, string[] args)
    {
        // Precedence, lowest first: appsettings.json, plain env (Server__Port), DROPOUT_ env, command line.
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args);
    }
}
