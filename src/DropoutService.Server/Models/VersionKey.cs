namespace DropoutService.Server.Models;

/// <summary>One version of one model incarnation: a deleted and re-created model never hits the old one's cached weights.</summary>
public readonly record struct VersionKey(string ModelId, string Incarnation, long Number);
