using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>
/// Recognises start-up failures that are configuration problems (invalid options, unusable
/// certificates or key files, a refused insecure bind, a port in use) and words each as one line.
/// Anything else is a bug and keeps its stack trace.
/// </summary>
public static class StartupFailure
{
    public static bool TryDescribe(Exception exception, out string line)
    {
        switch (exception)
        {
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return TryDescribe(aggregate.InnerExceptions[0], out line);
            case StartupException startup:
                line = startup.Message;
                return true;
            case OptionsValidationException validation:
                line = string.Join("; ", validation.Failures.Select(f => f.Replace("DataAnnotation validation failed for ", "", StringComparison.Ordinal)));
                return true;
            case IOException { InnerException: AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } inUse:
                line = $"{inUse.Message} (set Server:Port, or Metrics:Port / Metrics:Enabled=false for the metrics endpoint)";
                return true;
            default:
                line = "";
                return false;
        }
    }
}
