namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// What some tests need beyond .NET (a Docker engine and the postgres:15 image; root for mounting
/// a small tmpfs). Without it they skip with the reason; under CI (<c>CI=true</c>) a missing
/// requirement fails them instead, because CI provisions everything (.ci/provision-extra).
/// </summary>
public static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(string? unavailableReason)
    {
        if (unavailableReason is null)
        {
            return;
        }
        if (InCi)
        {
            throw new InvalidOperationException($"CI=true but {unavailableReason}");
        }
        Skip.If(true, unavailableReason);
    }

    /// <summary>Root, for mount(8): the fault tests mount a small tmpfs to fill it or make it read-only.</summary>
    public static void RequireRoot() =>
        Require(Environment.UserName == "root" ? null : "mounting a test tmpfs needs root (CI runs as root).");
}
