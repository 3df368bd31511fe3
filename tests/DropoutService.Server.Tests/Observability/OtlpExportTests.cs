using System.Collections.Concurrent;
using System.Text;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DropoutService.Server.Tests.Observability;

/// <summary>
/// The OTLP option: with Otlp:Endpoint (HTTP/protobuf) the server posts its metrics to
/// /v1/metrics and its spans to /v1/traces of a receiver on loopback; the payloads carry our
/// instrument names and the span named after the gRPC method.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task OtlpHttp_Configured_PostsMetricsAndTracesToTheSignalPaths()
    {
        var received = new ConcurrentDictionary<string, string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            // Protobuf strings are stored as UTF-8 bytes: names and ids are readable in the payload.
            received.AddOrUpdate(context.Request.Path, _ => Encoding.Latin1.GetString(body.ToArray()), (_, old) => old + Encoding.Latin1.GetString(body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        string url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using (var server = await ServerHost.StartAsync(null, $"--Otlp:Endpoint={url}", "--Otlp:Protocol=http/protobuf", "--Otlp:MetricsIntervalMilliseconds=1000"))
        {
            await server.Models.GetServerInfoAsync(new GetServerInfoRequest());
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until && !(Has("/v1/metrics", "dropout.rpc.server.duration") && Has("/v1/traces", "dropout.v1.ModelService/GetServerInfo")))
            {
                await Task.Delay(200);
            }
        }

        Assert.True(Has("/v1/metrics", "dropout.rpc.server.duration"), $"metrics posts: {string.Join(", ", received.Keys)}");
        Assert.True(Has("/v1/metrics", "dotnet.gc.collections"), "runtime metrics missing from the OTLP export");
        Assert.True(Has("/v1/traces", "dropout.v1.ModelService/GetServerInfo"), $"trace posts: {string.Join(", ", received.Keys)}");

        bool Has(string path, string text) => received.TryGetValue(path, out var body) && body.Contains(text, StringComparison.Ordinal);
    }
}
