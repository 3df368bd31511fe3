namespace DropoutService.Server.Storage;

/// <summary>
/// A model as the store knows it. <see cref="Incarnation"/> differs for every CreateModel, so a
/// model deleted and created again under the same id is never mistaken for the old one.
/// </summary>
public sealed record StoredModel(string Id, string Incarnation);
