namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>Locations in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory holding DropoutService.sln and the Dockerfile.</summary>
    public static string Root => s_root.Value;

    public static string Dockerfile => Path.Combine(Root, "Dockerfile");

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string Digits => Path.Combine(AppContext.BaseDirectory, "testdata", "digits.csv.gz");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DropoutService.sln")) && File.Exists(Path.Combine(dir.FullName, "Dockerfile")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (DropoutService.sln + Dockerfile) above {AppContext.BaseDirectory}.");
    }
}
