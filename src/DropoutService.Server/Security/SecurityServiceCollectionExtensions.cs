using DropoutService.Server.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Security;

/// <summary>Registers authentication (API keys, JWT bearer, client certificates) and one authorisation policy per role.</summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddDropoutSecurity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SecurityPosture>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ClientCertificateMap>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        services.AddSingleton<IConfigureOptions<CertificateAuthenticationOptions>, CertificateAuthenticationSetup>();

        // Authentication registers ASP.NET Core data protection, which nothing here uses: keep its
        // keys in memory rather than writing a key ring to the home directory at start.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "credentials of the request", o => o.ForwardDefaultSelector = CredentialSelector.Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, AnonymousAuthenticationHandler>(AuthSchemes.Anonymous, null)
            .AddJwtBearer(AuthSchemes.Jwt, _ => { })
            .AddCertificate(AuthSchemes.Certificate, _ => { })
            // Chain validation costs a chain build; a connection makes many calls with one certificate.
            .AddCertificateCache(o =>
            {
                o.CacheSize = 1024;
                o.CacheEntryExpiration = TimeSpan.FromMinutes(2);
            });

        var authorization = services.AddAuthorizationBuilder();
        foreach (string role in Roles.All)
        {
            authorization.AddPolicy(RoleRequirement.PolicyName(role), p => p.AddRequirements(new RoleRequirement(role)));
        }
        services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        return services;
    }
}
