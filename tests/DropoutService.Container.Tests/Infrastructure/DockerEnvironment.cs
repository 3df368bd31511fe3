using System.Runtime.CompilerServices;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>
/// Whether a Docker engine can be used, and the skip rule: without an engine the container tests
/// skip with the reason, except in CI (<c>CI=true</c>), where a missing engine fails them.
/// </summary>
public static class DockerEnvironment
{
    private static readonly Lazy<string?> s_unavailableReason = new(Probe);

    /// <summary>True when running under CI (<c>CI=true</c>), where skipping is not allowed.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when an engine answers; otherwise why not.</summary>
    public static string? UnavailableReason => s_unavailableReason.Value;

#pragma warning disable CA2255 // Runs before any Testcontainers type reads its settings.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void DisableResourceReaper()
    {
        // The reaper (Ryuk) image cannot be pulled on offline machines; the tests dispose every
        // container, volume and compose project themselves. An explicit setting is respected.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED")))
        {
            Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        }
    }

    /// <summary>Skips the calling test without an engine, or fails it in CI.</summary>
    public static void RequireEngine()
    {
        string? reason = UnavailableReason;
        if (reason is null)
        {
            return;
        }
        if (InCi)
        {
            throw new InvalidOperationException($"CI=true but no Docker engine is reachable: {reason}. " +
                "CI must provision one (.ci/provision-extra runs ../shared/tools/offline-container-engine.sh).");
        }
        Skip.If(true, $"No Docker engine reachable ({reason}); container tests need one. " +
            "Run ../shared/tools/offline-container-engine.sh (offline machines) or start Docker.");
    }

    private static string? Probe()
    {
        var result = DockerCli.RunAsync(["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(20))
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0 || string.IsNullOrWhiteSpace(result.Stdout))
        {
            string detail = (result.Stderr + result.Stdout).Trim();
            return $"`{DockerCli.Executable} version` failed: {(detail.Length > 300 ? detail[..300] : detail)}";
        }
        return null;
    }
}
