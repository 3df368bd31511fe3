using System.Diagnostics;
using DotNet.Testcontainers.Builders;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>
/// Builds the service image from the repository's Dockerfile once per test run (shared by every
/// container test through <see cref="ContainerCollection"/>). The tag is fixed so the next run
/// reuses the cached restore layer; the image is left in place for that reason.
/// </summary>
public sealed class ImageFixture : IAsyncLifetime
{
    /// <summary>
    /// The tag; <c>DROPOUT_TEST_IMAGE_TAG</c> changes it so that test runs from several checkouts
    /// on one Docker engine do not build over each other's image.
    /// </summary>
    public static readonly string ImageName =
        "dropoutservice:" + (Environment.GetEnvironmentVariable("DROPOUT_TEST_IMAGE_TAG") is { Length: > 0 } tag ? tag : "container-tests");

    /// <summary>The Dockerfile's provenance label; the fixture sets it to a value unique to this run.</summary>
    public const string RevisionLabel = "org.opencontainers.image.revision";

    private Exception? _buildError;

    /// <summary>Wall time of the image build (mostly the in-image restore and publish).</summary>
    public TimeSpan BuildTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (DockerEnvironment.UnavailableReason is not null)
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        string buildId = $"container-tests-{Guid.NewGuid():N}";
        try
        {
            string previous = await ImageIdAsync();
            var image = new ImageFromDockerfileBuilder()
                .WithDockerfileDirectory(RepoPaths.Root)
                .WithDockerfile("Dockerfile")
                .WithName(ImageName)
                // Removing the old tag would also prune its untagged parent layers: the cache.
                .WithDeleteIfExists(false)
                .WithCleanUp(false)
                .WithBuildArgument("VCS_REF", buildId)
                .Build();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
            await image.CreateAsync(cts.Token);

            // A failed legacy build is not reported as an exception: it leaves the previous image
            // under the tag. Only an image carrying this run's label was built from this source.
            var label = await DockerCli.RunAsync("image", "inspect", "--format", $"{{{{index .Config.Labels \"{RevisionLabel}\"}}}}", ImageName);
            if (label.Stdout.Trim() != buildId)
            {
                throw new InvalidOperationException(
                    $"The image build from {RepoPaths.Dockerfile} failed (the tag still holds an older image, label '{label.Stdout.Trim()}'). " +
                    $"Run `docker build {RepoPaths.Root}` to see the error.");
            }

            // Drop the previous run's image so runs do not pile up dangling images; Docker keeps
            // every parent layer the new image still uses (the restore cache among them).
            if (previous.Length > 0 && previous != await ImageIdAsync())
            {
                await DockerCli.RunAsync("image", "rm", previous);
            }
        }
        catch (Exception e)
        {
            _buildError = e;
        }
        BuildTime = clock.Elapsed;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string> ImageIdAsync()
    {
        var result = await DockerCli.RunAsync("image", "inspect", "--format", "{{.Id}}", ImageName);
        return result.ExitCode == 0 ? result.Stdout.Trim() : "";
    }

    /// <summary>The image to run; skips (or fails in CI) without an engine, fails if the build failed.</summary>
    public string RequireImage()
    {
        DockerEnvironment.RequireEngine();
        if (_buildError is not null)
        {
            throw new InvalidOperationException($"Building the image from {RepoPaths.Dockerfile} failed.", _buildError);
        }
        return ImageName;
    }
}

/// <summary>Every test that runs containers: one image build, tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ImageFixture>
{
    public const string Name = "containers";
}
