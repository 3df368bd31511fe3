using System.Security.Claims;
using System.Security.Cryptography;
using DropoutService.Api.V1;
using DropoutService.Server.Security;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DropoutService.Server.Tests.Security;

/// <summary>
/// JWT bearer tokens through ASP.NET Core's JwtBearer handler: an RSA public key from a PEM file,
/// issuer and audience checked, roles from the "roles" claim (array or space-separated). Tokens
/// are signed at test time with a key made at test time.
/// </summary>
public sealed class JwtAuthTests : IAsyncLifetime
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "dropoutservice";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _forger = RSA.Create(2048);
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        string dir = ServerHost.NewStoreDirectory();
        string pem = Path.Combine(dir, "jwt-public.pem");
        await File.WriteAllTextAsync(pem, _key.ExportSubjectPublicKeyInfoPem());
        _server = await ServerHost.StartAsync(Path.Combine(dir, "store"),
            $"--Auth:Jwt:SigningKeyFile={pem}", $"--Auth:Jwt:Issuer={Issuer}", $"--Auth:Jwt:Audience={Audience}", "--Auth:Jwt:ClockSkewSeconds=0");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _key.Dispose();
        _forger.Dispose();
    }

    [Fact]
    public async Task Token_Valid_CallerHasItsRoles()
    {
        using var trainer = Client(Token(roles: ["train"]));

        await trainer.Models.CreateModelAsync(new CreateModelRequest { ModelId = "jwt-made", Spec = Specs.Classifier(4, 3) });
        var info = await AuthErrors.AssertRefused(() => trainer.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "jwt-made" }).ResponseAsync,
            StatusCode.PermissionDenied, AuthFailureReason.RoleRequired);

        Assert.Equal(Roles.Admin, info.Metadata["required_role"]);
    }

    [Fact]
    public async Task Token_RolesAsSpaceSeparatedString_Accepted()
    {
        using var admin = Client(Token(rolesText: "predict admin"));

        var e = await Assert.ThrowsAsync<RpcException>(() => admin.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "absent" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Token_Expired_UnauthenticatedTokenExpired()
    {
        using var client = Client(Token(roles: ["predict"], expires: DateTime.UtcNow.AddMinutes(-5), notBefore: DateTime.UtcNow.AddMinutes(-10)));

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.ExpiredToken);
    }

    [Theory]
    [InlineData("forged signature")]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("unsigned")]
    [InlineData("no expiry")]
    public async Task Token_Invalid_UnauthenticatedTokenInvalid(string how)
    {
        string token = how switch
        {
            "forged signature" => Token(roles: ["admin"], signer: _forger),
            "wrong issuer" => Token(roles: ["admin"], issuer: "https://evil.test"),
            "wrong audience" => Token(roles: ["admin"], audience: "something-else"),
            "unsigned" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer, Audience = Audience, Expires = DateTime.UtcNow.AddMinutes(5),
                Subject = new ClaimsIdentity([new Claim("sub", "mallory"), new Claim("roles", "admin")]),
            }),
            "no expiry" => Token(roles: ["admin"], withoutExpiry: true),
            _ => throw new ArgumentOutOfRangeException(nameof(how)),
        };
        using var client = Client(token);

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.InvalidToken);
    }

    private AuthChannel Client(string token) => new(_server.Address, "Bearer " + token);

    private string Token(string[]? roles = null, string? rolesText = null, RSA? signer = null, string issuer = Issuer, string audience = Audience,
        DateTime? expires = null, DateTime? notBefore = null, bool withoutExpiry = false)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "jwt-user" };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }
        if (rolesText is not null)
        {
            claims["roles"] = rolesText;
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = notBefore,
            IssuedAt = notBefore,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? _key), SecurityAlgorithms.RsaSha256),
        };
        if (!withoutExpiry)
        {
            descriptor.Expires = expires ?? DateTime.UtcNow.AddMinutes(10);
        }
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }
}
