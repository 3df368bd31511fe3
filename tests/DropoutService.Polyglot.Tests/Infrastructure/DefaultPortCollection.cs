namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>Tests of clients run without an address against a server on its default port.</summary>
[CollectionDefinition(Name)]
public sealed class DefaultPortCollection : ICollectionFixture<DefaultPortServerFixture>
{
    public const string Name = "PolyglotDefaultPort";
}
