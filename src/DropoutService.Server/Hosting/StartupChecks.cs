using System.Net;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using DropoutService.Server.Security;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Hosting;

/// <summary>
/// Runs before any listener opens (the first <see cref="IHostedLifecycleService.StartingAsync"/>):
/// loads the TLS certificate, the client-certificate CAs, the API keys and the JWT keys, and
/// refuses a non-loopback bind without credentials. Each problem is a <see cref="StartupException"/>
/// naming its option, which <see cref="ServerApp.RunAsync"/> prints as one line before exiting 1.
/// Then says in one line how callers are authenticated.
/// </summary>
public sealed class StartupChecks(
    SecurityPosture posture,
    ServerCertificate certificate,
    ApiKeyStore keys,
    IOptions<AuthOptions> auth,
    IOptions<ServerOptions> server,
    IOptions<MetricsOptions> metrics,
    ListenerEndpoints listeners,
    ILogger<StartupChecks> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (posture.RefusalReason is { } refusal)
        {
            throw new StartupException(refusal);
        }
        _ = certificate.Certificate;
        var a = auth.Value;
        Wrap(() => keys.LoadOrThrow());
        if (a.Jwt.Enabled)
        {
            Wrap(() => JwtSigningKeys.Load(a.Jwt));
        }
        if (a.Certificates.Enabled)
        {
            if (!server.Value.UseTls)
            {
                throw new StartupException("Auth:Certificates:TrustedCaPath needs TLS: set Server:CertificatePath (client certificates travel in the TLS handshake)");
            }
            Wrap(() => CertificateAuthenticationSetup.LoadTrustedCas(a.Certificates.TrustedCaPath!));
        }
        foreach (string role in a.AnonymousRoles.Where(r => !Roles.IsKnown(r)))
        {
            throw new StartupException($"Auth:AnonymousRoles: unknown role '{role}' (roles: {string.Join(", ", Roles.All)})");
        }
        Announce(a);
        return Task.CompletedTask;
    }

    private void Announce(AuthOptions a)
    {
        string address = posture.BindAddress.ToString();
        if (!posture.CredentialsConfigured)
        {
            if (IPAddress.IsLoopback(posture.BindAddress))
            {
                ServerLog.AuthOffLoopback(logger, address);
            }
            else
            {
                ServerLog.AuthOffAnonymousAllowed(logger, address);
            }
            return;
        }
        var kinds = new List<string>();
        if (a.HasApiKeys)
        {
            kinds.Add($"{keys.Current.Count} API keys");
        }
        if (a.Jwt.Enabled)
        {
            kinds.Add(string.IsNullOrWhiteSpace(a.Jwt.Authority) ? "JWT (configured keys)" : $"JWT (authority {a.Jwt.Authority})");
        }
        if (a.Certificates.Enabled)
        {
            kinds.Add($"client certificates ({a.Certificates.Clients.Count} mapped)");
        }
        ServerLog.AuthOn(logger, string.Join(", ", kinds), string.Join(", ", posture.AnonymousRoles));
    }

    private static void Wrap(Action load)
    {
        try
        {
            load();
        }
        catch (InvalidDataException e)
        {
            throw new StartupException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new StartupException(e.Message, e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (listeners.Metrics is { } endpoint)
        {
            ServerLog.MetricsListening(logger, endpoint.Address.ToString(), endpoint.Port, metrics.Value.Path);
        }
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
