namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>One server for every polyglot test; the tests run one after another (one training at a time).</summary>
[CollectionDefinition(Name)]
public sealed class PolyglotCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Polyglot";
}
