namespace DropoutService.Server.Options;

/// <summary>A client certificate, identified by its SHA-1 thumbprint or its subject, and its roles.</summary>
public sealed class ClientCertificateEntry
{
    /// <summary>Name in logs and audit; defaults to the subject.</summary>
    public string? Name { get; set; }

    /// <summary>Distinguished name as .NET prints it (<c>CN=trainer, O=Example</c>), or just the common name.</summary>
    public string? Subject { get; set; }

    /// <summary>Hex SHA-1 thumbprint (case and separators ignored).</summary>
    public string? Thumbprint { get; set; }

    public List<string> Roles { get; set; } = [];
}
