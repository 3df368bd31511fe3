using Grpc.Core;

namespace DropoutService.Server.Grpc;

/// <summary>A client or duplex request stream whose messages that did not parse throw <see cref="Errors.MalformedRequestException"/>.</summary>
public sealed class CheckedRequestStream<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        bool moved = await inner.MoveNext(cancellationToken);
        if (moved)
        {
            MalformedRequests.ThrowIfMalformed(inner.Current);
        }
        return moved;
    }
}
