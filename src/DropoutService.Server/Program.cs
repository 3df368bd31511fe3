using DropoutService.Server.Hosting;

if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunAsync(args);
}

await ServerApp.Build(args).RunAsync();
return 0;
