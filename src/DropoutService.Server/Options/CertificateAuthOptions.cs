namespace DropoutService.Server.Options;

/// <summary>mTLS client certificates (section <c>Auth:Certificates</c>), mapped to roles by subject or thumbprint.</summary>
public sealed class CertificateAuthOptions
{
    /// <summary>PEM file of the CA certificate(s) that issue client certificates. Set: the TLS endpoint asks for a client certificate.</summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>Check the client certificate's revocation (CRL/OCSP; needs the network).</summary>
    public bool CheckRevocation { get; set; }

    /// <summary>Certificates that get roles; a valid certificate not listed here is authenticated but has no role.</summary>
    public List<ClientCertificateEntry> Clients { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(TrustedCaPath);
}
