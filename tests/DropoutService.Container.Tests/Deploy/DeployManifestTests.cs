using System.Text.Json;
using System.Text.RegularExpressions;
using DropoutService.Container.Tests.Infrastructure;

namespace DropoutService.Container.Tests.Deploy;

/// <summary>
/// The deploy files agree with the image: ports, probes, the store's mount path, the user, the
/// settings' names. No Docker needed: these parse the Dockerfile, compose files and manifests.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly DockerfileInfo s_dockerfile = DockerfileInfo.Load();

    [Fact]
    public void Dockerfile_Standard_BuildsOfflineAndRunsAsDocumented()
    {
        var d = s_dockerfile;
        Assert.DoesNotContain(d.Text.Split('\n'), l => l.TrimStart().StartsWith("# syntax", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("--pull", d.Text, StringComparison.Ordinal);

        // Platform ARGs with defaults before the first FROM (the legacy builder leaves them empty).
        var beforeFrom = d.Instructions.TakeWhile(i => i.Keyword != "FROM").ToList();
        Assert.Contains(beforeFrom, i => i.Keyword == "ARG" && i.Arguments == "BUILDPLATFORM=linux/amd64");
        Assert.Contains(beforeFrom, i => i.Keyword == "ARG" && i.Arguments == "TARGETARCH=amd64");

        var froms = d.Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal(2, froms.Count);
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", froms[1], StringComparison.Ordinal);

        // The restore layer only sees project files; the source comes after it.
        int restore = IndexOf(d, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        int source = IndexOf(d, i => i.Keyword == "COPY" && i.Arguments.StartsWith("src/ ", StringComparison.Ordinal));
        Assert.True(restore >= 0 && source > restore, "restore must run before the source is copied");
        Assert.All(d.Instructions.Take(restore).Where(i => i.Keyword == "COPY"),
            c => Assert.Matches(@"^(\S+\.(json|props|csproj)|\.editorconfig)( \S+)* \S+/?$", c.Arguments));

        Assert.Contains(d.Final("RUN"), r => r.Arguments.Contains("libopenblas0-pthread", StringComparison.Ordinal));
        Assert.NotEqual("root", d.User);
        Assert.NotEqual("0", d.User);
        Assert.Equal(d.ExposedPort.ToString(), d.Environment["Server__Port"]);
        Assert.Equal(d.Volume, d.Environment["Store__Path"]);
        Assert.Equal("json", d.Environment["Logging__Format"]);
        Assert.Equal(["dotnet", "/app/DropoutService.Server.dll", "--health-check"], d.HealthcheckCommand);
        // Exec form: the server is PID 1 and gets SIGTERM itself.
        Assert.Equal(["dotnet", "/app/DropoutService.Server.dll"], d.Entrypoint);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputDataAndVcsOutOfTheContext()
    {
        string[] patterns = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        foreach (string required in new[] { "**/bin/", "**/obj/", "data/", "artifacts/", "**/TestResults/", "**/node_modules/", ".git" })
        {
            Assert.Contains(required, patterns);
        }
        // What the Dockerfile copies must not be ignored.
        foreach (string needed in new[] { "src/", "protos/", "Directory.Packages.props", "global.json" })
        {
            Assert.DoesNotContain(needed, patterns);
        }
    }

    [Fact]
    public void Kubernetes_Deployment_MatchesTheImage()
    {
        var manifests = DeployManifests.Load();
        var deployment = manifests.Deployment;
        var container = deployment.Container;
        int port = s_dockerfile.ExposedPort;

        var grpcPort = container["ports"].Items.Single(p => p["name"].Text == "grpc");
        Assert.Equal(port.ToString(), grpcPort["containerPort"].Text);
        foreach (string probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            // Native gRPC probes on the image's port, asking the overall ("") health status that
            // the image's HEALTHCHECK also asks.
            var grpc = container[probe]["grpc"];
            Assert.True(grpc.Exists, $"{probe} must be a native grpc probe");
            Assert.Equal(port.ToString(), grpc["port"].Text);
            Assert.True(grpc["service"].Text is null or "", $"{probe} asks service '{grpc["service"].Text}'");
        }

        // The store: the PVC is mounted where the image keeps it.
        var modelsVolume = deployment.PodSpec["volumes"].Items.Single(v => v["persistentVolumeClaim"].Exists);
        var pvc = manifests.OfKind("PersistentVolumeClaim").Single();
        Assert.Equal(pvc["metadata"]["name"].Text, modelsVolume["persistentVolumeClaim"]["claimName"].Text);
        var mount = container["volumeMounts"].Items.Single(m => m["name"].Text == modelsVolume["name"].Text);
        Assert.Equal(s_dockerfile.Volume, mount["mountPath"].Text);
        Assert.Contains("ReadWriteMany", pvc["spec"]["accessModes"].Items.Select(i => i.Text));

        // Explicit env agrees with the image's defaults.
        foreach (var env in container["env"].Items)
        {
            string name = env["name"].Text!;
            if (s_dockerfile.Environment.TryGetValue(name, out string? imageValue))
            {
                Assert.Equal(imageValue, env["value"].Text);
            }
        }

        // Non-root: the image's numeric app user (APP_UID of the .NET images), no escalation.
        Assert.Equal("$APP_UID", s_dockerfile.User);
        Assert.Equal("true", deployment.PodSecurity("runAsNonRoot"));
        Assert.Equal(AppUid, deployment.PodSecurity("runAsUser"));
        Assert.Equal(AppUid, deployment.PodSecurity("fsGroup"));
        var security = container["securityContext"];
        Assert.Equal("false", security["allowPrivilegeEscalation"].Text);
        Assert.Contains("ALL", security["capabilities"]["drop"].Items.Select(i => i.Text));
        if (security["readOnlyRootFilesystem"].Text == "true")
        {
            Assert.Contains(container["volumeMounts"].Items, m => m["mountPath"].Text == "/tmp");
        }

        foreach (string kind in new[] { "requests", "limits" })
        {
            Assert.True(container["resources"][kind]["cpu"].Exists, $"resources.{kind}.cpu");
            Assert.True(container["resources"][kind]["memory"].Exists, $"resources.{kind}.memory");
        }

        // Kubernetes must not kill the pod before the server's drain and grace period end.
        var config = manifests.OfKind("ConfigMap").Single();
        Assert.Contains(container["envFrom"].Items, e => e["configMapRef"]["name"].Text == config["metadata"]["name"].Text);
        var settings = config["data"].AsStringMap();
        int grace = int.Parse(settings.GetValueOrDefault("Server__ShutdownGracePeriodSeconds") ?? ServerDefault("Server", "ShutdownGracePeriodSeconds"));
        int drain = int.Parse(settings.GetValueOrDefault("Server__DrainDelaySeconds") ?? ServerDefault("Server", "DrainDelaySeconds"));
        Assert.True(int.Parse(deployment.PodSpec["terminationGracePeriodSeconds"].Text!) > grace + drain);
        // Replicas share the store, so they must rescan it.
        Assert.True(int.Parse(deployment.Node["spec"]["replicas"].Text!) < 2 || int.Parse(settings["Store__RescanIntervalSeconds"]!) > 0);
    }

    [Fact]
    public void Kubernetes_ServicePdbAndConfig_ReferToTheDeployment()
    {
        var manifests = DeployManifests.Load();
        var deployment = manifests.Deployment;
        var podLabels = deployment.Node["spec"]["template"]["metadata"]["labels"].AsStringMap();
        var portNames = deployment.Container["ports"].Items.Select(p => p["name"].Text).ToHashSet();

        var services = manifests.OfKind("Service").ToList();
        Assert.NotEmpty(services);
        foreach (var service in services)
        {
            Assert.All(service["spec"]["selector"].AsStringMap(), kv => Assert.Equal(kv.Value, podLabels.GetValueOrDefault(kv.Key)));
            var port = service["spec"]["ports"].Items.Single();
            Assert.Equal(s_dockerfile.ExposedPort.ToString(), port["port"].Text);
            Assert.Contains(port["targetPort"].Text, portNames);
        }

        var pdb = manifests.OfKind("PodDisruptionBudget").Single();
        Assert.All(pdb["spec"]["selector"]["matchLabels"].AsStringMap(), kv => Assert.Equal(kv.Value, podLabels.GetValueOrDefault(kv.Key)));
        Assert.True(int.Parse(pdb["spec"]["minAvailable"].Text!) < int.Parse(deployment.Node["spec"]["replicas"].Text!),
            "minAvailable must leave room for a drain");

        // Every setting names a real option of the server (a typo would be silently ignored).
        var config = manifests.OfKind("ConfigMap").Single()["data"].AsStringMap();
        Assert.All(config.Keys, AssertKnownSetting);

        // kubectl apply -k applies every manifest in the folder.
        var kustomization = YamlNode.LoadAll(Path.Combine(DeployManifests.Directory, "kustomization.yaml")).Single();
        var listed = kustomization["resources"].Items.Select(i => i.Text!).Order().ToArray();
        var files = Directory.GetFiles(DeployManifests.Directory, "*.yaml").Select(Path.GetFileName)
            .Where(f => f != "kustomization.yaml").Order().ToArray();
        Assert.Equal(files, listed);
    }

    [Fact]
    public void Compose_BothFiles_MatchTheImage()
    {
        int port = s_dockerfile.ExposedPort;
        var single = YamlNode.LoadAll(Path.Combine(RepoPaths.Root, "docker-compose.yml")).Single();
        var service = single["services"]["dropout"];
        Assert.Equal($"127.0.0.1:${{DROPOUT_PORT:-{port}}}:{port}", service["ports"].Items.First().Text);
        Assert.Equal($"models:{s_dockerfile.Volume}", service["volumes"].Items.Single().Text);
        Assert.True(single["volumes"]["models"].Value is not null || single["volumes"].Keys.Contains("models"));
        Assert.Equal(["CMD", .. s_dockerfile.HealthcheckCommand], service["healthcheck"]["test"].Items.Select(i => i.Text));
        Assert.Equal("unless-stopped", service["restart"].Text);
        Assert.All(service["environment"].AsStringMap().Keys, AssertKnownSetting);

        var scale = YamlNode.LoadAll(Path.Combine(RepoPaths.Deploy, "compose.scale.yml")).Single();
        var replicas = scale["services"]["dropout"];
        Assert.True(int.Parse(replicas["deploy"]["replicas"].Text!) >= 2);
        Assert.False(replicas["ports"].Exists, "replicas are reached through the load balancer only");
        Assert.Equal($"models:{s_dockerfile.Volume}", replicas["volumes"].Items.Single().Text);
        var env = replicas["environment"].AsStringMap();
        Assert.All(env.Keys, AssertKnownSetting);
        Assert.True(int.Parse(env["Store__RescanIntervalSeconds"]!) > 0, "replicas must rescan the shared store");
        Assert.Equal(["CMD", .. s_dockerfile.HealthcheckCommand], replicas["healthcheck"]["test"].Items.Select(i => i.Text));
        var lb = scale["services"]["lb"];
        Assert.Equal("service_healthy", lb["depends_on"]["dropout"]["condition"].Text);
        string lbPort = lb["ports"].Items.Single().Text!;
        Assert.StartsWith("127.0.0.1:", lbPort, StringComparison.Ordinal);

        // nginx listens where compose publishes and forwards to the image's port.
        string nginx = File.ReadAllText(Path.Combine(RepoPaths.Deploy, "nginx", "nginx.conf"));
        Assert.Matches($@"listen {lbPort.Split(':')[^1]} http2;", nginx);
        Assert.Matches($@"grpc_pass grpc://\$\w+:{port};", nginx);
        Assert.Matches(@"set \$\w+ dropout;", nginx);
    }

    [SkippableFact]
    public async Task Kubernetes_Manifests_PassStrictSchemaValidation()
    {
        // kubernetes-models (npm) bundles the API's JSON schemas: a real schema check offline.
        string validator = Path.Combine(RepoPaths.Deploy, "validate");
        bool installed = Directory.Exists(Path.Combine(validator, "node_modules", "kubernetes-models"));
        if (!installed)
        {
            const string how = "run `npm ci --prefix deploy/validate` (.ci/provision-extra does)";
            if (DockerEnvironment.InCi)
            {
                throw new InvalidOperationException($"Schema validator not installed: {how}.");
            }
            Skip.If(true, $"Schema validator not installed: {how}.");
        }
        var info = new System.Diagnostics.ProcessStartInfo("node", ["validate.mjs", DeployManifests.Directory])
        {
            WorkingDirectory = validator,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"schema validation failed:\n{stdout}\n{stderr}");
        int objects = DeployManifests.Load().Objects.Count(o => o.Node["kind"].Text != "Kustomization");
        Assert.Contains($"{objects} valid, 0 invalid", stdout, StringComparison.Ordinal);
    }

    /// <summary>The app user of the .NET base images (APP_UID); the container test checks the running one.</summary>
    private const string AppUid = "1654";

    private static void AssertKnownSetting(string key)
    {
        var match = Regex.Match(key, "^([A-Za-z]+)__([A-Za-z]+)$");
        Assert.True(match.Success, $"'{key}' is not a Section__Key setting");
        string section = match.Groups[1].Value;
        string name = match.Groups[2].Value;
        Assert.True(ServerSettings.TryGetProperty(section, out var s) && s.TryGetProperty(name, out _),
            $"'{key}' is not a setting of the server (src/DropoutService.Server/appsettings.json)");
    }

    private static string ServerDefault(string section, string key) =>
        ServerSettings.GetProperty(section).GetProperty(key).ToString();

    private static readonly JsonElement ServerSettings = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "DropoutService.Server", "appsettings.json"))).RootElement;

    private static int IndexOf(DockerfileInfo d, Func<DockerInstruction, bool> predicate)
    {
        for (int i = 0; i < d.Instructions.Count; i++)
        {
            if (predicate(d.Instructions[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
