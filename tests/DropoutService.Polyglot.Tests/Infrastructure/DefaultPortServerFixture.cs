using System.Net;
using System.Net.Sockets;

namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>
/// A server started with its default port (no Server:Port given): what a newcomer runs. Clients
/// run against it without an address. Port 50051 must be free: outside CI a busy port skips the
/// tests, with CI=true it fails them.
/// </summary>
public sealed class DefaultPortServerFixture : ServerFixture
{
    public const int DefaultPort = 50051;

    protected override bool AllowExternalServer => false;

    /// <summary>Set once the tests have started the server (the port is then busy with ours).</summary>
    public bool Started { get; set; }

    protected override int ChoosePort() => DefaultPort;

    protected override void Configure(IDictionary<string, string?> environment, DirectoryInfo store) =>
        environment.Remove("DROPOUT_SERVER__PORT");

    /// <summary>Why the default port cannot be used, or null.</summary>
    public static string? PortBusy()
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, DefaultPort);
            probe.Start();
            return null;
        }
        catch (SocketException)
        {
            return $"port {DefaultPort} (the server's default) is in use on this machine";
        }
    }

    /// <summary>Client environment without DROPOUTSERVICE_ADDRESS.</summary>
    public Dictionary<string, string> EnvironmentWithoutAddress()
    {
        var env = ClientEnvironment();
        env["DROPOUTSERVICE_ADDRESS"] = ""; // empty is unset for both clients (and hides an inherited value)
        return env;
    }
}
