using System.Diagnostics;
using DropoutService.Container.Tests.Infrastructure;

namespace DropoutService.Container.Tests.Deploy;

/// <summary>
/// The shipped deploy files carry the secure setup and the scrape configuration consistently: API
/// key hashes from a secret at the path Auth__KeysFile names, the metrics port the image exposes
/// published or annotated for Prometheus; the example Prometheus config and alert rules pass promtool.
/// </summary>
public sealed class SecureDeployTests
{
    private static readonly DockerfileInfo s_dockerfile = DockerfileInfo.Load();

    [Fact]
    public void Compose_BothFiles_ReadKeysFromTheSecretTheyMount()
    {
        foreach (string file in new[] { Path.Combine(RepoPaths.Root, "docker-compose.yml"), Path.Combine(RepoPaths.Deploy, "compose.scale.yml") })
        {
            var compose = YamlNode.LoadAll(file).Single();
            var service = compose["services"]["dropout"];
            string secret = Assert.Single(service["secrets"].Items).Text!;
            Assert.True(compose["secrets"][secret]["file"].Exists, $"{file}: secret {secret} has no file");
            Assert.Contains("DROPOUT_API_KEYS_FILE", compose["secrets"][secret]["file"].Text, StringComparison.Ordinal);
            // Compose mounts a secret at /run/secrets/<name>.
            Assert.Equal($"/run/secrets/{secret}", service["environment"].AsStringMap()["Auth__KeysFile"]);
        }
        var single = YamlNode.LoadAll(Path.Combine(RepoPaths.Root, "docker-compose.yml")).Single()["services"]["dropout"];
        int metricsPort = s_dockerfile.ExposedPorts[1];
        Assert.Contains(single["ports"].Items, p => p.Text == $"127.0.0.1:${{DROPOUT_METRICS_PORT:-{metricsPort}}}:{metricsPort}");
        Assert.Equal(metricsPort.ToString(), ServerDefault("Metrics", "Port"));
    }

    [Fact]
    public void Kubernetes_Deployment_KeysFromSecretAndScrapeAnnotations()
    {
        var deployment = DeployManifests.Load().Deployment;
        var container = deployment.Container;
        var env = container["env"].Items.ToDictionary(e => e["name"].Text!, e => e["value"].Text);
        string keysFile = env["Auth__KeysFile"]!;
        var volume = deployment.PodSpec["volumes"].Items.Single(v => v["secret"]["secretName"].Text == "dropoutservice-api-keys");
        var mount = container["volumeMounts"].Items.Single(m => m["name"].Text == volume["name"].Text);
        Assert.Equal("true", mount["readOnly"].Text);
        Assert.Equal(mount["mountPath"].Text + "/api-keys.json", keysFile);

        int metricsPort = s_dockerfile.ExposedPorts[1];
        var annotations = deployment.Node["spec"]["template"]["metadata"]["annotations"].AsStringMap();
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(metricsPort.ToString(), annotations["prometheus.io/port"]);
        Assert.Equal(ServerDefault("Metrics", "Path"), annotations["prometheus.io/path"]);
        Assert.Contains(container["ports"].Items, p => p["name"].Text == "metrics" && p["containerPort"].Text == metricsPort.ToString());

        var monitor = YamlNode.LoadAll(Path.Combine(RepoPaths.Deploy, "monitoring", "servicemonitor.yaml"));
        var service = monitor.Single(o => o["kind"].Text == "Service");
        Assert.Equal("metrics", service["spec"]["ports"][0]["targetPort"].Text);
        Assert.Equal("metrics", monitor.Single(o => o["kind"].Text == "ServiceMonitor")["spec"]["endpoints"][0]["port"].Text);
    }

    [SkippableTheory]
    [InlineData("check", "config", "prometheus.yml")]
    [InlineData("check", "rules", "alerts.yml")]
    [InlineData("test", "rules", "alerts.test.yml")]
    public async Task Monitoring_PrometheusConfigAndAlerts_PassPromtool(string verb, string what, string file)
    {
        const string promtool = "/usr/bin/promtool";
        if (!File.Exists(promtool))
        {
            const string why = "promtool is missing (apt-get install prometheus; .ci/apt-packages.txt lists it)";
            if (DockerEnvironment.InCi)
            {
                throw new InvalidOperationException(why);
            }
            Skip.If(true, why);
        }
        var info = new ProcessStartInfo(promtool, [verb, what, file])
        {
            WorkingDirectory = Path.Combine(RepoPaths.Deploy, "monitoring"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"promtool {verb} {what} {file}:\n{stdout}\n{stderr}");
        Assert.Contains("SUCCESS", stdout, StringComparison.Ordinal);
    }

    private static string ServerDefault(string section, string key) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "DropoutService.Server", "appsettings.json")))
            .RootElement.GetProperty(section).GetProperty(key).ToString();
}
