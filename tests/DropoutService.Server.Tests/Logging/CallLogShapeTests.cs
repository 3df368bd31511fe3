using System.Text.Json;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Xunit.Abstractions;

namespace DropoutService.Server.Tests.Logging;

/// <summary>
/// The log as an operator gets it from the real process (JSON, one object per line): exactly one
/// call event per call, with method, status, duration, model, version, caller and the call's trace
/// id; one audit event per state-changing call (refused ones included); and caller-supplied model
/// ids cannot forge lines, write ESC bytes or grow the log without bound, in JSON and console.
/// </summary>
public sealed class CallLogShapeTests(ITestOutputHelper output)
{
    private const string Forgery = "x\n[12:00:00 INF] /dropout.v1.ModelService/DeleteModel OK forged\u001b[31mred\u001b[0m\r\u2028";
    private static readonly int[] CallEvents = [10, 11, 12];

    [Fact]
    public async Task Json_EachCall_OneCallEventAndStateChangesAudited()
    {
        var keys = new TestKeys(ServerHost.NewStoreDirectory());
        await using var server = LoggedServerProcess.Start(new Dictionary<string, string>
        {
            ["DROPOUT_LOG_FORMAT"] = "json",
            ["DROPOUT_AUTH__KEYSFILE"] = keys.FilePath,
        });
        await server.WaitServingAsync();
        using var trainer = AuthChannel.WithKey(server.Address, keys.Train);
        using var admin = AuthChannel.WithKey(server.Address, keys.Admin);
        using var anonymous = new AuthChannel(server.Address);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var traced = new Metadata { { "traceparent", $"00-{traceId}-00f067aa0ba902b7-01" } };

        // (method, expected status, caller) of each call, in order.
        var expected = new List<(string Method, string Status, string Caller)>();
        await trainer.Models.CreateModelAsync(new CreateModelRequest { ModelId = "shape", Spec = Specs.Classifier(4, 3) });
        expected.Add(("/dropout.v1.ModelService/CreateModel", "OK", "trainer"));
        await trainer.Inference.PredictAsync(new PredictRequest { ModelId = "shape", Inputs = Specs.Values(1, 4, 1, 2, 3, 4) }, traced);
        expected.Add(("/dropout.v1.InferenceService/Predict", "OK", "trainer"));
        await Assert.ThrowsAsync<RpcException>(() => trainer.Models.GetModelAsync(new GetModelRequest { ModelId = "absent" }).ResponseAsync);
        expected.Add(("/dropout.v1.ModelService/GetModel", "NotFound", "trainer"));
        await Assert.ThrowsAsync<RpcException>(() => trainer.Models.CreateModelAsync(new CreateModelRequest { ModelId = Forgery, Spec = Specs.Classifier(4, 3) }).ResponseAsync);
        expected.Add(("/dropout.v1.ModelService/CreateModel", "InvalidArgument", "trainer"));
        await Assert.ThrowsAsync<RpcException>(() => trainer.Models.GetModelAsync(new GetModelRequest { ModelId = new string('a', 1_000_000) + Forgery }).ResponseAsync);
        expected.Add(("/dropout.v1.ModelService/GetModel", "InvalidArgument", "trainer"));
        await Assert.ThrowsAsync<RpcException>(() => trainer.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "shape" }).ResponseAsync);
        expected.Add(("/dropout.v1.ModelService/DeleteModel", "PermissionDenied", "trainer"));
        await Assert.ThrowsAsync<RpcException>(() => anonymous.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        expected.Add(("/dropout.v1.ModelService/ListModels", "Unauthenticated", "anonymous"));
        await admin.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "shape" });
        expected.Add(("/dropout.v1.ModelService/DeleteModel", "OK", "operator"));

        var lines = await server.WaitForLinesAsync(l => Events(l).Count(e => Id(e) == 60) >= 4 && Events(l).Count(e => CallEvents.Contains(Id(e))) >= expected.Count);
        foreach (string line in lines)
        {
            output.WriteLine(line.Length > 600 ? line[..600] + "..." : line);
        }
        var events = Events(lines);
        Assert.Equal(lines.Count(l => l.Length > 0), events.Count); // every line is one JSON object

        var calls = events.Where(e => CallEvents.Contains(Id(e))).ToList();
        Assert.Equal(expected.Select(x => (x.Method, x.Status, x.Caller)),
            calls.Select(e => (Prop(e, "Method"), Prop(e, "StatusCode"), Prop(e, "Caller"))));
        foreach (var call in calls)
        {
            Assert.True(call.TryGetProperty("ElapsedMs", out _));
            Assert.True(call.TryGetProperty("ModelId", out _));
            Assert.True(call.TryGetProperty("Version", out _));
            Assert.Matches("^[0-9a-f]{32}$", Prop(call, "@tr"));
        }
        Assert.Equal(traceId, Prop(calls[1], "@tr"));
        Assert.Equal("shape", Prop(calls[1], "ModelId"));
        Assert.Equal("1", calls[1].GetProperty("Version").ToString());
        // Distinct calls, distinct traces.
        Assert.Equal(calls.Count, calls.Select(c => Prop(c, "@tr")).Distinct().Count());

        var audits = events.Where(e => Id(e) == 60).ToList();
        Assert.Equal(
            [("CreateModel", "trainer", "api-key", "OK", "shape"), ("CreateModel", "trainer", "api-key", "INVALID_ARGUMENT", null),
             ("DeleteModel", "trainer", "api-key", "PERMISSION_DENIED", null), ("DeleteModel", "operator", "api-key", "OK", "shape")],
            audits.Select(a => (Prop(a, "Action"), Prop(a, "Caller"), Prop(a, "AuthMethod"), Prop(a, "Outcome"), (string?)NullableProp(a, "ModelId"))));
        Assert.All(audits, a => Assert.Equal("DropoutService.Audit", Prop(a, "SourceContext")));
        Assert.Equal(audits.Select(a => Prop(a, "@tr")), calls.Where(c => Prop(c, "Method").EndsWith("Model", StringComparison.Ordinal) && !Prop(c, "Method").EndsWith("GetModel", StringComparison.Ordinal))
            .Select(c => Prop(c, "@tr")));

        // Caller-supplied text: escaped (no raw control characters anywhere) and bounded.
        Assert.All(lines, l => Assert.DoesNotContain('\u001b', l));
        Assert.All(lines, l => Assert.True(l.Length < 8_000, $"a {l.Length}-character log line"));
        string forged = Prop(calls[3], "Detail");
        Assert.Contains(@"\n[12:00:00 INF]", forged, StringComparison.Ordinal);
        Assert.Contains(@"\u001b[31m", forged, StringComparison.Ordinal);
        Assert.True(Prop(calls[4], "ModelId").Length < 200);
        // Secrets never logged.
        Assert.All(lines, l => Assert.DoesNotContain(keys.Train, l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(keys.Admin, l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Console_ForgedModelId_StaysOnItsLineWithoutEscapeBytes()
    {
        await using var server = LoggedServerProcess.Start(new Dictionary<string, string> { ["DROPOUT_LOG_FORMAT"] = "console" });
        await server.WaitServingAsync();
        using var client = new AuthChannel(server.Address);

        await Assert.ThrowsAsync<RpcException>(() => client.Models.GetModelAsync(new GetModelRequest { ModelId = Forgery }).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => client.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = Forgery }).ResponseAsync);
        var lines = await server.WaitForLinesAsync(l => l.Count(x => x.Contains("/dropout.v1.ModelService/", StringComparison.Ordinal)) >= 3);
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }

        // Every line is a log event of its own (starts with the timestamp), none starts with the forged text.
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.Matches(@"^\[\d\d:\d\d:\d\d\.\d{3} [A-Z]{3}\] ", l));
        Assert.DoesNotContain(lines, l => l.StartsWith("[12:00:00 INF]", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain('\u001b', l));
        Assert.Contains(lines, l => l.Contains(@"x\n[12:00:00 INF]", StringComparison.Ordinal));
    }

    private static List<JsonElement> Events(IReadOnlyList<string> lines) =>
        [.. lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static int Id(JsonElement e) => e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var n) ? n.GetInt32() : -1;

    private static string Prop(JsonElement e, string name) => e.GetProperty(name).ToString();

    private static string? NullableProp(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;
}
