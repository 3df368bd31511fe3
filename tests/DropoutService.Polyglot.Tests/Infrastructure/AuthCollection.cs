namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>The authenticating TLS server's tests.</summary>
[CollectionDefinition(Name)]
public sealed class AuthCollection : ICollectionFixture<AuthServerFixture>
{
    public const string Name = "PolyglotAuth";
}
