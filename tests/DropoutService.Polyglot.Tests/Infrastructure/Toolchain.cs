namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>
/// Locates the repository and the external toolchains (Debian's Python/Go gRPC packages, protoc,
/// npx for buf) and applies the skip rule: outside CI (CI != "true") a missing tool skips the
/// test with the reason; with CI=true it fails it.
/// </summary>
public static class Toolchain
{
    /// <summary>Debian's interpreter: a pyenv python3 on PATH cannot see python3-grpcio.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>buf, fetched by npx from the npm registry on first use and cached in ~/.npm.</summary>
    public const string BufPackage = "@bufbuild/buf@1.75.0";

    private static readonly Lazy<string?> s_pythonMissing = new(() => Probe(
        Python, ["-c", "import grpc, google.protobuf"],
        "python3-grpcio/python3-protobuf are not importable by /usr/bin/python3 (apt-get install python3-grpcio python3-protobuf python3-numpy)"));

    private static readonly Lazy<string?> s_goMissing = new(() =>
        Probe("go", ["version"], "go is not on PATH (apt-get install golang-go)")
        ?? (Directory.Exists("/usr/share/gocode/src/google.golang.org/grpc") && Directory.Exists("/usr/share/gocode/src/google.golang.org/protobuf")
            ? null
            : "Debian's Go gRPC libraries are missing (apt-get install golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev)"));

    private static readonly Lazy<string?> s_protocMissing = new(() =>
        Probe("protoc", ["--version"], "protoc is not on PATH (apt-get install protobuf-compiler libprotobuf-dev)")
        ?? Probe("sh", ["-c", "command -v grpc_python_plugin && command -v protoc-gen-go && command -v protoc-gen-go-grpc && test -f /usr/share/grpc-proto/grpc/health/v1/health.proto"],
            "protoc plugins missing (apt-get install protobuf-compiler-grpc protoc-gen-go protoc-gen-go-grpc grpc-proto)"));

    private static readonly Lazy<string?> s_npxMissing = new(() =>
        Probe("npx", ["--version"], "npx is not on PATH (Node.js/npm, needed to run " + BufPackage + ")"));

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.Ordinal);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string? PythonMissing => s_pythonMissing.Value;

    public static string? GoMissing => s_goMissing.Value;

    public static string? ProtocMissing => s_protocMissing.Value;

    public static string? NpxMissing => s_npxMissing.Value;

    /// <summary>Skips (outside CI) or fails (CI=true) when <paramref name="missing"/> names a missing tool.</summary>
    public static void Require(string? missing)
    {
        if (missing is null)
        {
            return;
        }
        if (InCi)
        {
            Assert.Fail($"CI=true but a required tool is missing: {missing}");
        }
        Skip.If(true, $"{missing}. Outside CI this test is skipped; with CI=true it fails.");
    }

    /// <summary>Environment of every child process: offline Go, no stray Python bytecode.</summary>
    public static Dictionary<string, string> BaseEnvironment() => new()
    {
        ["PYTHONDONTWRITEBYTECODE"] = "1",
        ["GOPROXY"] = "off",
        ["GOTOOLCHAIN"] = "local",
        ["NPM_CONFIG_UPDATE_NOTIFIER"] = "false",
        ["NPM_CONFIG_FUND"] = "false",
        ["NPM_CONFIG_AUDIT"] = "false",
    };

    private static string? Probe(string file, string[] args, string reason)
    {
        try
        {
            var r = ProcessRunner.RunAsync(file, args, Path.GetTempPath(), timeout: TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            return r.ExitCode == 0 ? null : reason;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return reason;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DropoutService.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"DropoutService.sln not found above {AppContext.BaseDirectory}");
    }
}
