using System.ComponentModel.DataAnnotations;
using System.Net;

namespace DropoutService.Server.Options;

/// <summary>Network endpoint, TLS and shutdown settings (configuration section <c>Server</c>).</summary>
public sealed class ServerOptions : IValidatableObject
{
    public const string Section = "Server";

    /// <summary>TCP port of the gRPC endpoint; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 50051;

    /// <summary>
    /// IP address to listen on: 0.0.0.0 (all IPv4), :: (all), 127.0.0.1 (loopback only). Empty
    /// (the default): loopback when run directly, all interfaces inside a container
    /// (DOTNET_RUNNING_IN_CONTAINER=true, set by the .NET images), where the port is published.
    /// </summary>
    public string Address { get; set; } = "";

    /// <summary>The address to bind, with the empty default resolved.</summary>
    public IPAddress BindAddress =>
        IPAddress.TryParse(Address, out var ip) ? ip
        : string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase) ? IPAddress.Any
        : IPAddress.Loopback;

    /// <summary>TLS certificate: a PEM certificate (with <see cref="CertificateKeyPath"/>) or a PKCS#12 (.pfx) file. Empty: plaintext HTTP/2.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>; empty for a .pfx file.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of a .pfx certificate, if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>On shutdown, how long in-flight calls may take to finish before they are aborted.</summary>
    [Range(0, 3600)]
    public int ShutdownGracePeriodSeconds { get; set; } = 20;

    /// <summary>On shutdown, how long health reports NOT_SERVING before the listener closes (lets load balancers notice).</summary>
    [Range(0, 600)]
    public int DrainDelaySeconds { get; set; }

    /// <summary>Serve gRPC server reflection (anonymous, like health); false hides the API's shape from unauthenticated callers.</summary>
    public bool Reflection { get; set; } = true;

    public bool UseTls => !string.IsNullOrWhiteSpace(CertificatePath);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Address) && !IPAddress.TryParse(Address, out _))
        {
            yield return new ValidationResult($"Server:Address '{Address}' is not an IP address.", [nameof(Address)]);
        }
        if (UseTls && !File.Exists(CertificatePath))
        {
            yield return new ValidationResult($"Server:CertificatePath '{CertificatePath}' does not exist.", [nameof(CertificatePath)]);
        }
        if (!string.IsNullOrWhiteSpace(CertificateKeyPath) && !File.Exists(CertificateKeyPath))
        {
            yield return new ValidationResult($"Server:CertificateKeyPath '{CertificateKeyPath}' does not exist.", [nameof(CertificateKeyPath)]);
        }
    }
}
