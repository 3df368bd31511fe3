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

        // The store: PostgreSQL, reached with a connection string from a Secret mounted as a file.
        // No shared volume: replicas never write one directory together.
        Assert.Empty(manifests.OfKind("PersistentVolumeClaim"));
        Assert.DoesNotContain(deployment.PodSpec["volumes"].Items, v => v["persistentVolumeClaim"].Exists);
        var settings = manifests.OfKind("ConfigMap").Single()["data"].AsStringMap();
        Assert.Equal("postgres", settings["Store__Backend"]);
        // The database secret (the other secret volume holds the API keys: SecureDeployTests).
        var secretVolume = deployment.PodSpec["volumes"].Items.Single(v => v["secret"].Exists && v["secret"]["secretName"].Text != "dropoutservice-api-keys");
        var secretMount = container["volumeMounts"].Items.Single(m => m["name"].Text == secretVolume["name"].Text);
        Assert.Equal("true", secretMount["readOnly"].Text);
        var item = secretVolume["secret"]["items"].Items.Single();
        Assert.Equal($"{secretMount["mountPath"].Text}/{item["path"].Text}", settings["Store__ConnectionStringFile"]);
        Assert.Equal("connection-string", item["key"].Text);

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
        int grace = int.Parse(settings.GetValueOrDefault("Server__ShutdownGracePeriodSeconds") ?? ServerDefault("Server", "ShutdownGracePeriodSeconds"));
        int drain = int.Parse(settings.GetValueOrDefault("Server__DrainDelaySeconds") ?? ServerDefault("Server", "DrainDelaySeconds"));
        Assert.True(int.Parse(deployment.PodSpec["terminationGracePeriodSeconds"].Text!) > grace + drain);
        // Several writer replicas need the PostgreSQL store (the directory store has one writer).
        Assert.True(int.Parse(deployment.Node["spec"]["replicas"].Text!) >= 2);
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
    public void Kubernetes_TryPostgres_OneDatabasePodWhoseSecretTheServiceReads()
    {
        var tryIt = DeployManifests.Load(DeployManifests.TryPostgresDirectory);
        var statefulSet = tryIt.OfKind("StatefulSet").Single();
        Assert.Equal("1", statefulSet["spec"]["replicas"].Text);
        var database = statefulSet["spec"]["template"]["spec"]["containers"].Items.Single();
        Assert.Equal("postgres:15", database["image"].Text);
        var service = tryIt.OfKind("Service").Single();
        Assert.Equal(statefulSet["spec"]["serviceName"].Text, service["metadata"]["name"].Text);
        Assert.Equal("5432", service["spec"]["ports"].Items.Single()["port"].Text);

        // The database's credentials and the connection string the service mounts agree.
        var secrets = tryIt.OfKind("Secret").ToDictionary(s => s["metadata"]["name"].Text!);
        string credentials = database["envFrom"].Items.Single()["secretRef"]["name"].Text!;
        var db = secrets[credentials]["stringData"].AsStringMap();
        var deployment = DeployManifests.Load().Deployment;
        string serviceSecret = deployment.PodSpec["volumes"].Items.Single(v => v["secret"].Exists && v["secret"]["secretName"].Text != "dropoutservice-api-keys")["secret"]["secretName"].Text!;
        string connection = secrets[serviceSecret]["stringData"].AsStringMap()["connection-string"]!;
        Assert.Equal($"Host={service["metadata"]["name"].Text};Port=5432;Database={db["POSTGRES_DB"]};Username={db["POSTGRES_USER"]};Password={db["POSTGRES_PASSWORD"]}", connection);

        // It layers on the real manifests, and says plainly what it is.
        var kustomization = YamlNode.LoadAll(Path.Combine(DeployManifests.TryPostgresDirectory, "kustomization.yaml")).Single();
        Assert.Equal(["../", "postgres.yaml", "secrets.yaml"], kustomization["resources"].Items.Select(i => i.Text));
        foreach (string file in Directory.GetFiles(DeployManifests.TryPostgresDirectory, "*.yaml"))
        {
            Assert.Contains("NOT FOR PRODUCTION", File.ReadAllText(file), StringComparison.Ordinal);
        }
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
        Assert.False(replicas["volumes"].Exists, "replicas share no model volume: the store is PostgreSQL");
        var env = replicas["environment"].AsStringMap();
        Assert.All(env.Keys, AssertKnownSetting);
        Assert.Equal("postgres", env["Store__Backend"]);
        var database = scale["services"]["postgres"];
        Assert.Equal("postgres:15", database["image"].Text);
        Assert.False(database["ports"].Exists, "the database is reached by the replicas only");
        Assert.Equal("service_healthy", replicas["depends_on"]["postgres"]["condition"].Text);
        var dbEnv = database["environment"].AsStringMap();
        var connection = env["Store__ConnectionString"]!;
        Assert.Contains("Host=postgres;", connection, StringComparison.Ordinal);
        Assert.Contains($"Database={dbEnv["POSTGRES_DB"]};", connection, StringComparison.Ordinal);
        Assert.Contains($"Username={dbEnv["POSTGRES_USER"]};", connection, StringComparison.Ordinal);
        Assert.EndsWith($"Password={dbEnv["POSTGRES_PASSWORD"]}", connection, StringComparison.Ordinal);
        Assert.Contains("pg_isready", database["healthcheck"]["test"].Items.Select(i => i.Text));
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
        var info = new System.Diagnostics.ProcessStartInfo("node", ["validate.mjs", DeployManifests.Directory, DeployManifests.TryPostgresDirectory])
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
        int objects = DeployManifests.Load().Objects.Concat(DeployManifests.Load(DeployManifests.TryPostgresDirectory).Objects)
            .Count(o => o.Node["kind"].Text != "Kustomization");
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
