using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>
/// The Python client and dropoutctl against a server with API keys, TLS and client certificates:
/// keys as options and from DROPOUTSERVICE_API_KEY, no key (UNAUTHENTICATED with its reason),
/// a key without the role (PERMISSION_DENIED naming it), mTLS with a trusted and an untrusted
/// certificate, and a key made by deploy/new-api-key.sh accepted without a restart.
/// </summary>
[Collection(AuthCollection.Name)]
public sealed class AuthClientTests(AuthServerFixture server, ITestOutputHelper output)
{
    private const string PythonScenario = """
        import os, sys
        sys.path.insert(0, "clients/python")
        import dropoutservice as ds
        addr, ca = os.environ["TLS_ADDRESS"], os.environ["TLS_CA"]
        spec = {"input_size": 4, "layers": [{"dense": 3}], "loss": "softmax_cross_entropy"}
        with ds.connect(addr, root_certificates=ca, api_key=os.environ["PREDICT_KEY"], timeout=20) as c:
            print("predict-key list", len(c.list_models()) >= 0)
            try:
                c.delete_model("nothing")
                print("predict-key delete ALLOWED")
            except ds.PermissionDeniedError as e:
                print("predict-key delete", e.code.name, e.reason, e.required_role)
        with ds.connect(addr, root_certificates=ca, timeout=20) as c:
            try:
                c.list_models()
                print("no-key ALLOWED")
            except ds.UnauthenticatedError as e:
                print("no-key", e.code.name, e.reason)
        os.environ["DROPOUTSERVICE_API_KEY"] = os.environ["ADMIN_KEY"]
        with ds.connect(addr, root_certificates=ca, timeout=20) as c:
            try:
                c.delete_model("nothing")
            except ds.NotFoundError as e:
                print("env-key admin", e.code.name)
        del os.environ["DROPOUTSERVICE_API_KEY"]
        with ds.connect(addr, root_certificates=ca, private_key=os.environ["CLIENT_KEY"],
                        certificate_chain=os.environ["CLIENT_CERT"], timeout=20) as c:
            print("mtls created", c.create_model("py-mtls", spec).id)
            try:
                c.delete_model("py-mtls")
            except ds.PermissionDeniedError as e:
                print("mtls delete", e.code.name, e.required_role)
        with ds.connect(addr, root_certificates=ca, private_key=os.environ["UNTRUSTED_KEY"],
                        certificate_chain=os.environ["UNTRUSTED_CERT"], timeout=20) as c:
            try:
                c.list_models()
                print("untrusted ALLOWED")
            except ds.UnauthenticatedError as e:
                print("untrusted", e.code.name, e.reason)
        with ds.connect(addr, root_certificates=ca, api_key=os.environ["SCRIPT_KEY"], timeout=20) as c:
            print("script-key created", c.create_model("py-script-key", spec).id)
        with ds.connect(addr, root_certificates=ca, api_key=os.environ["ADMIN_KEY"], timeout=20) as c:
            for m in ("py-mtls", "py-script-key"):
                c.delete_model(m)
            print("cleaned up")
        """;

    [SkippableFact]
    public async Task Python_KeysTokensAndClientCertificates_EachPathAnswersAsDocumented()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        await server.EnsureStartedAsync();
        var env = server.AuthEnvironment();
        // deploy/new-api-key.sh adds a train key to the running server's keys file.
        var script = await ProcessRunner.RunAsync("bash", [Path.Combine(Toolchain.RepoRoot, "deploy", "new-api-key.sh"), "py-script", "train"],
            Toolchain.RepoRoot, new Dictionary<string, string> { ["KEYS_FILE"] = server.KeysFile }, TimeSpan.FromMinutes(1));
        Assert.True(script.ExitCode == 0, script.Output);
        env["SCRIPT_KEY"] = script.Stdout.Trim();

        var result = await ProcessRunner.RunAsync(Toolchain.Python, ["-c", PythonScenario], Toolchain.RepoRoot, env, TimeSpan.FromMinutes(3));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, server.Describe(result));
        foreach (string line in new[]
        {
            "predict-key list True",
            "predict-key delete PERMISSION_DENIED ROLE_REQUIRED admin",
            "no-key UNAUTHENTICATED CREDENTIALS_MISSING",
            "env-key admin NOT_FOUND",
            "mtls created py-mtls",
            "mtls delete PERMISSION_DENIED admin",
            "untrusted UNAUTHENTICATED CLIENT_CERTIFICATE_INVALID",
            "script-key created py-script-key",
            "cleaned up",
        })
        {
            Assert.Contains(line, result.Stdout, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("ALLOWED", result.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GoCli_KeysAndClientCertificates_EachPathAnswersAsDocumented()
    {
        Toolchain.Require(Toolchain.GoMissing);
        await server.EnsureStartedAsync();
        string goDir = Path.Combine(Toolchain.RepoRoot, "clients", "go");
        string bin = Path.Combine(Directory.CreateTempSubdirectory("dropoutctl-auth-").FullName, "dropoutctl");
        var build = await ProcessRunner.RunAsync("bash", [Path.Combine(goDir, "gopath.sh"), "go", "build", "-o", bin, "./cmd/dropoutctl"], goDir, Toolchain.BaseEnvironment(), TimeSpan.FromMinutes(5));
        Assert.True(build.ExitCode == 0, build.Output);
        string[] tls = ["-addr", server.TlsAddress, "-ca", server.CaPath, "-timeout", "20s"];
        var env = server.AuthEnvironment();

        async Task<ProcessResult> Ctl(Dictionary<string, string> environment, params string[] args)
        {
            var r = await ProcessRunner.RunAsync(bin, [.. tls, .. args], Toolchain.RepoRoot, environment, TimeSpan.FromMinutes(1));
            output.WriteLine(r.Output);
            return r;
        }

        var withKey = await Ctl(env, "-api-key", server.PredictKey, "-json", "list");
        var noKey = await Ctl(env, "list");
        var fromEnv = await Ctl(new Dictionary<string, string>(env) { ["DROPOUTSERVICE_API_KEY"] = server.AdminKey }, "delete", "-model", "nothing");
        var mtlsCreate = await Ctl(env, "-cert", server.ClientCertPath, "-key", server.ClientKeyPath,
            "create", "-model", "go-mtls", "-input", "4", "-layers", "dense:3", "-seed", "1");
        var mtlsDelete = await Ctl(env, "-cert", server.ClientCertPath, "-key", server.ClientKeyPath, "delete", "-model", "go-mtls");
        var adminDelete = await Ctl(env, "-api-key", server.AdminKey, "delete", "-model", "go-mtls");

        Assert.True(withKey.ExitCode == 0, server.Describe(withKey));
        Assert.Contains("\"models\"", withKey.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, noKey.ExitCode);
        Assert.Contains("Unauthenticated", noKey.Stderr, StringComparison.Ordinal);
        Assert.Contains("reason CREDENTIALS_MISSING", noKey.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, fromEnv.ExitCode);
        Assert.Contains("NotFound", fromEnv.Stderr, StringComparison.Ordinal);
        Assert.True(mtlsCreate.ExitCode == 0, server.Describe(mtlsCreate));
        Assert.Equal(1, mtlsDelete.ExitCode);
        Assert.Contains("reason ROLE_REQUIRED", mtlsDelete.Stderr, StringComparison.Ordinal);
        Assert.True(adminDelete.ExitCode == 0, server.Describe(adminDelete));
    }
}
