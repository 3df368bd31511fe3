using System.Security.Claims;
using Grpc.Core;

namespace DropoutService.Server.Observability;

/// <summary>
/// A finished call as <see cref="CallRecorder"/> records it. <see cref="Fault"/> is set for server
/// faults only (logged with the exception); <see cref="Detail"/> is the status detail of a rejected call.
/// </summary>
public sealed record CallRecord(
    string FullMethod,
    StatusCode Code,
    double Seconds,
    ClaimsPrincipal? User,
    string? ModelId = null,
    long? Version = null,
    string? Resource = null,
    string? Detail = null,
    Exception? Fault = null,
    string? CorrelationId = null);
