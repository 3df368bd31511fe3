using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using DropoutService.Api.V1;
using DropoutService.Server.Security;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Security;

/// <summary>
/// mTLS over a real TLS socket: the server trusts the test CA for client certificates and maps
/// "trainer" to train; certificates are made at test time. A missing or untrusted certificate is
/// not a handshake failure but UNAUTHENTICATED with a reason.
/// </summary>
public sealed class ClientCertificateAuthTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = new();
    private ServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerHost.StartAsync(Path.Combine(_certificates.Directory, "store"),
            [.. _certificates.ServerArgs(clientCas: true), "--Auth:Certificates:Clients:0:Subject=trainer", "--Auth:Certificates:Clients:0:Roles:0=train"]);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificates.Dispose();
    }

    [Fact]
    public async Task TrustedMappedCertificate_CallsWithItsRole()
    {
        using var cert = _certificates.Client("trainer");
        using var client = new AuthChannel(_server.Address, clientCertificate: cert, trustedCa: _certificates.Ca);

        var created = await client.Models.CreateModelAsync(new CreateModelRequest { ModelId = "mtls", Spec = Specs.Classifier(4, 3) });
        var info = await AuthErrors.AssertRefused(() => client.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "mtls" }).ResponseAsync,
            StatusCode.PermissionDenied, AuthFailureReason.RoleRequired);

        Assert.Equal("mtls", created.Model.Id);
        Assert.Equal(Roles.Admin, info.Metadata["required_role"]);
    }

    [Fact]
    public async Task TrustedUnmappedCertificate_AuthenticatedWithoutRoles_PermissionDenied()
    {
        using var cert = _certificates.Client("stranger");
        using var client = new AuthChannel(_server.Address, clientCertificate: cert, trustedCa: _certificates.Ca);

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.PermissionDenied, AuthFailureReason.RoleRequired);
    }

    [Fact]
    public async Task NoCertificate_UnauthenticatedCredentialsMissing()
    {
        using var client = new AuthChannel(_server.Address, trustedCa: _certificates.Ca);

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.CredentialsMissing);
    }

    [Fact]
    public async Task CertificateFromAnotherCa_UnauthenticatedCertificateInvalid()
    {
        using var cert = _certificates.Client("trainer", trusted: false);
        using var client = new AuthChannel(_server.Address, clientCertificate: cert, trustedCa: _certificates.Ca);

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.InvalidCertificate);
    }

    [Fact]
    public async Task Handshake_NegotiatesHttp2ByAlpn_WithTheConfiguredCertificate()
    {
        var uri = new Uri(_server.Address);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? presented = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, c, _, _) =>
            {
                presented = new X509Certificate2(c!);
                return true;
            },
        });

        Assert.Equal(SslApplicationProtocol.Http2, tls.NegotiatedApplicationProtocol);
        Assert.Equal(_certificates.Server.Thumbprint, presented!.Thumbprint);
    }
}
