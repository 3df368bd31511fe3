using DropoutService.Server.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace DropoutService.Server.Security;

/// <summary>
/// Configures ASP.NET Core's JwtBearer handler from Auth:Jwt: issuer, audience, keys or authority,
/// lifetime required; the validated token becomes a principal named by the name claim with the
/// roles of the role claim (an array or a space-separated string). Failures carry a reason.
/// </summary>
public sealed class JwtBearerSetup(IOptions<AuthOptions> auth) : IConfigureNamedOptions<JwtBearerOptions>
{
    public const string AuthenticationType = "jwt";

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != AuthSchemes.Jwt)
        {
            return;
        }
        var jwt = auth.Value.Jwt;
        options.MapInboundClaims = false;
        options.IncludeErrorDetails = false;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            options.Authority = jwt.Authority;
            options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        }
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrWhiteSpace(jwt.Issuer),
            ValidIssuer = jwt.Issuer,
            ValidateAudience = !string.IsNullOrWhiteSpace(jwt.Audience),
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = jwt.Enabled ? JwtSigningKeys.Load(jwt) : [],
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            NameClaimType = jwt.NameClaim,
            RoleClaimType = jwt.RoleClaim,
        };
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var token = context.Principal!;
                string subject = token.FindFirst(jwt.NameClaim)?.Value ?? "unnamed token";
                var roles = token.FindAll(jwt.RoleClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                context.Principal = CallerPrincipal.Create(subject, roles, AuthenticationType);
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                bool expired = context.Exception is SecurityTokenExpiredException or SecurityTokenNotYetValidException;
                context.Fail(new AuthenticationFailureException(
                    expired ? AuthFailureReason.ExpiredToken : AuthFailureReason.InvalidToken,
                    expired ? "the token has expired or is not valid yet" : "the token is not valid",
                    context.Exception));
                return Task.CompletedTask;
            },
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
}
