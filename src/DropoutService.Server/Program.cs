using DropoutService.Server.Hosting;
using DropoutService.Server.Security;

if (HealthCheckCommand.IsRequested(args))
{
    return await HealthCheckCommand.RunAsync(args);
}
if (KeyCommands.IsRequested(args))
{
    return KeyCommands.Run(args, Console.In, Console.Out, Console.Error);
}
return await ServerApp.RunAsync(args);
