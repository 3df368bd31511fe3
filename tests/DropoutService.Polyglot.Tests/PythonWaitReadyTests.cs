using DropoutService.Polyglot.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DropoutService.Polyglot.Tests;

/// <summary>
/// <c>wait_ready()</c> called as the server starts: it once took 10 to 16 s after a server start of
/// 1 to 2 s (it polled with calls that fail at once while gRPC's reconnect back-off grew: 1, 1.6,
/// 2.6, 4.1, 6.6 s). The script starts the server and calls wait_ready at once, and reports how
/// long after a fresh channel (no back-off) first saw SERVING wait_ready returned: the delay the
/// client adds, whatever the server's own start time on a loaded machine. The bound (3 s: the 2 s
/// back-off cap plus jitter and scheduling) is below the back-off steps the old code waited for
/// (10.8 s measured with the old loop here); the fixed code measured 0.0 s.
/// </summary>
[Collection(PolyglotCollection.Name)]
public sealed class PythonWaitReadyTests(ITestOutputHelper output)
{
    private const string Script = """
        import os, subprocess, sys, threading, time
        sys.path.insert(0, "clients/python")
        import dropoutservice as ds
        port = os.environ["WAIT_PORT"]
        address = "127.0.0.1:" + port
        client = ds.connect(address, use_environment=False)
        try:
            client.health(timeout=0.5)
            print("server unexpectedly up")
        except ds.DropoutServiceError as e:
            print("before start", e.code.name)
        env = dict(os.environ, DROPOUT_SERVER__ADDRESS="127.0.0.1", DROPOUT_SERVER__PORT=port, DROPOUT_METRICS__PORT="0",
                   DROPOUT_STORE__PATH=os.environ["WAIT_STORE"], DROPOUT_LOG_FORMAT="console")
        server = subprocess.Popen(["dotnet", os.environ["SERVER_DLL"]], env=env, stdout=subprocess.DEVNULL)
        serving = {}
        def probe():
            # The reference: a new channel per attempt has no back-off, so it sees SERVING first.
            while "at" not in serving:
                try:
                    with ds.connect(address, use_environment=False) as fresh:
                        if fresh.health(timeout=0.3) == "SERVING":
                            serving["at"] = time.monotonic()
                except ds.DropoutServiceError:
                    time.sleep(0.02)
        threading.Thread(target=probe, daemon=True).start()
        try:
            client.wait_ready(timeout=90)
            ready = time.monotonic()
            for _ in range(300):
                if "at" in serving:
                    break
                time.sleep(0.1)
            print(f"wait_ready returned {ready - serving['at']:.3f} s after a fresh channel saw SERVING")
        finally:
            server.terminate()
            server.wait(30)
        """;

    [SkippableFact]
    public async Task WaitReady_ClientBeforeServer_ReturnsWithinSecondsOfTheServerStarting()
    {
        Toolchain.Require(Toolchain.PythonMissing);
        var env = Toolchain.BaseEnvironment();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        env["WAIT_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["WAIT_STORE"] = Directory.CreateTempSubdirectory("dropout-waitready-").FullName;
        env["SERVER_DLL"] = ServerFixture.ServerDll;

        var result = await ProcessRunner.RunAsync(Toolchain.Python, ["-c", Script], Toolchain.RepoRoot, env, TimeSpan.FromMinutes(3));
        output.WriteLine(result.Output);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("before start UNAVAILABLE", result.Stdout, StringComparison.Ordinal);
        var match = System.Text.RegularExpressions.Regex.Match(result.Stdout, @"wait_ready returned (-?[0-9.]+) s");
        Assert.True(match.Success, result.Output);
        double seconds = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seconds < 3.0, $"wait_ready returned {seconds:0.000} s after the server was reachable (bound 3 s)");
    }
}
