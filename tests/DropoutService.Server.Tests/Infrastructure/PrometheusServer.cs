using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// Debian's real Prometheus (<c>/usr/bin/prometheus</c>, package <c>prometheus</c>), scraping one
/// target every second, with a temporary TSDB on a loopback port; queried through its HTTP API.
/// Outside CI a missing binary skips the test; with CI=true it fails it.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http = new();
    private readonly List<string> _log = [];

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public static void Require()
    {
        if (File.Exists(Binary))
        {
            return;
        }
        const string why = "Prometheus is not installed (apt-get install prometheus; listed in .ci/apt-packages.txt)";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"CI=true but a required tool is missing: {why}");
        }
        Skip.If(true, why + ". Outside CI this test is skipped; with CI=true it fails.");
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port, path /metrics) every second.</summary>
    public static PrometheusServer Start(string target)
    {
        string dir = Directory.CreateTempSubdirectory("dropout-prometheus-").FullName;
        string config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            scrape_configs:
              - job_name: dropoutservice
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);
        int port = FreePort();
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (string arg in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = psi };
        var server = new PrometheusServer(process, dir, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>The value of an instant query with one result, or null when it has none (or Prometheus is not up yet).</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        try
        {
            using var response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = doc.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return null;
            }
            return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Polls until every query returns its expected value (bounded); returns the last values seen.</summary>
    public async Task<Dictionary<string, double?>> WaitForAsync(IReadOnlyDictionary<string, double> expected, TimeSpan timeout)
    {
        var seen = new Dictionary<string, double?>();
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
            }
            foreach (var (query, _) in expected)
            {
                seen[query] = await QueryAsync(query);
            }
            if (expected.All(e => seen[e.Key] == e.Value) || DateTime.UtcNow > until)
            {
                return seen;
            }
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.Add(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
