using System.Security.Cryptography.X509Certificates;
using DropoutService.Server.Options;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>
/// Configures ASP.NET Core's certificate handler: the client certificate must chain to
/// Auth:Certificates:TrustedCaPath (and only to it), be within its validity and allow client
/// authentication; it is then mapped to roles by <see cref="ClientCertificateMap"/>.
/// </summary>
public sealed class CertificateAuthenticationSetup(IOptions<AuthOptions> auth, ClientCertificateMap map) : IConfigureNamedOptions<CertificateAuthenticationOptions>
{
    public void Configure(string? name, CertificateAuthenticationOptions options)
    {
        if (name != AuthSchemes.Certificate)
        {
            return;
        }
        var certificates = auth.Value.Certificates;
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        if (certificates.Enabled)
        {
            options.CustomTrustStore.AddRange(LoadTrustedCas(certificates.TrustedCaPath!));
        }
        options.RevocationMode = certificates.CheckRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        options.ValidateCertificateUse = true;
        options.ValidateValidityPeriod = true;
        options.Events = new CertificateAuthenticationEvents
        {
            OnCertificateValidated = context =>
            {
                var (caller, roles) = map.Map(context.ClientCertificate);
                context.Principal = CallerPrincipal.Create(caller, roles, ClientCertificateMap.AuthenticationType);
                context.Success();
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                context.Fail(new AuthenticationFailureException(AuthFailureReason.InvalidCertificate,
                    "the client certificate is not issued by a trusted CA, has expired or is not for client authentication", context.Exception));
                return Task.CompletedTask;
            },
        };
    }

    public void Configure(CertificateAuthenticationOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);

    /// <summary>The CA certificates of a PEM file; throws naming the option.</summary>
    public static X509Certificate2Collection LoadTrustedCas(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"Auth:Certificates:TrustedCaPath '{path}' does not exist");
        }
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidDataException($"Auth:Certificates:TrustedCaPath '{path}' is not a PEM certificate file: {e.Message}");
        }
        if (collection.Count == 0)
        {
            throw new InvalidDataException($"Auth:Certificates:TrustedCaPath '{path}' holds no certificate");
        }
        return collection;
    }
}
