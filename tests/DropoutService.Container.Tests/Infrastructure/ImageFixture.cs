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
    public const string ImageName = "dropoutservice:container-tests";

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
        try
        {
            var image = new ImageFromDockerfileBuilder()
                .WithDockerfileDirectory(RepoPaths.Root)
                .WithDockerfile("Dockerfile")
                .WithName(ImageName)
                // Removing the old tag would also prune its untagged parent layers: the cache.
                .WithDeleteIfExists(false)
                .WithCleanUp(false)
                .Build();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(20));
            await image.CreateAsync(cts.Token);
        }
        catch (Exception e)
        {
            _buildError = e;
        }
        BuildTime = clock.Elapsed;
    }

    public Task DisposeAsync() => Task.CompletedTask;

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
