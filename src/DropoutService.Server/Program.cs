using DropoutService.Server.Hosting;

if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunAsync(args);
}

var app = ServerApp.Build(args);
if (!StoreLifecycleService.TryOpenStore(app.Services))
{
    return 1;
}
await app.RunAsync();
return 0;
