namespace DropoutService.Server.Models;

/// <summary>How a version was produced; stored in the checkpoint's labels.</summary>
public enum VersionSource
{
    Unknown = 0,
    Created = 1,
    Trained = 2,
    GradientsApplied = 3,
}
