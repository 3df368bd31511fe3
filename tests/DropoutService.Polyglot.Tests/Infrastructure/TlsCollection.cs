namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>The TLS server's tests.</summary>
[CollectionDefinition(Name)]
public sealed class TlsCollection : ICollectionFixture<TlsServerFixture>
{
    public const string Name = "PolyglotTls";
}
