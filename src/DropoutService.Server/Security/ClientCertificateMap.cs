using System.Security.Cryptography.X509Certificates;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>Maps a validated client certificate to a name and roles (Auth:Certificates:Clients, by thumbprint or subject).</summary>
public sealed class ClientCertificateMap(IOptions<AuthOptions> auth)
{
    public const string AuthenticationType = "certificate";

    public (string Name, IReadOnlyList<string> Roles) Map(X509Certificate2 certificate)
    {
        string commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        foreach (var entry in auth.Value.Certificates.Clients)
        {
            if (Matches(entry, certificate, commonName))
            {
                return (entry.Name ?? commonName, entry.Roles);
            }
        }
        return (commonName.Length > 0 ? commonName : certificate.Subject, []);
    }

    private static bool Matches(ClientCertificateEntry entry, X509Certificate2 certificate, string commonName)
    {
        if (!string.IsNullOrWhiteSpace(entry.Thumbprint))
        {
            string wanted = new([.. entry.Thumbprint.Where(char.IsAsciiHexDigit)]);
            return string.Equals(wanted, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
        }
        if (string.IsNullOrWhiteSpace(entry.Subject))
        {
            return false;
        }
        return entry.Subject.Contains('=')
            ? string.Equals(entry.Subject, certificate.Subject, StringComparison.OrdinalIgnoreCase)
            : string.Equals(entry.Subject, commonName, StringComparison.Ordinal);
    }
}
