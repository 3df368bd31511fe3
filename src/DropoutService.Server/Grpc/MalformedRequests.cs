using System.Runtime.CompilerServices;
using DropoutService.Server.Errors;
using Google.Protobuf;
using Grpc.Core;

namespace DropoutService.Server.Grpc;

/// <summary>
/// Request bytes that do not parse. grpc-dotnet deserializes a unary or server-streaming request
/// before any interceptor runs and answers an exception there with UNKNOWN and a logged stack
/// trace, so the request marshaller of every method (<see cref="CheckingServiceBinder{TService}"/>)
/// does not throw: it returns an empty message marked here, and <see cref="ServerCallInterceptor"/>
/// turns the mark into a <see cref="MalformedRequestException"/> (INVALID_ARGUMENT, one call event).
/// </summary>
public static class MalformedRequests
{
    private static readonly ConditionalWeakTable<object, MalformedRequestException> Marks = new();

    /// <summary>The request marshaller with parse failures marked instead of thrown.</summary>
    public static Marshaller<T> Checking<T>(Marshaller<T> marshaller) where T : class
    {
        if (!typeof(IMessage).IsAssignableFrom(typeof(T)) || typeof(T).GetConstructor(Type.EmptyTypes) is null)
        {
            return marshaller;
        }
        var deserialize = marshaller.ContextualDeserializer;
        string name = ((IMessage)Activator.CreateInstance(typeof(T))!).Descriptor.FullName;
        return new Marshaller<T>(marshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                var empty = (T)Activator.CreateInstance(typeof(T))!;
                Marks.Add(empty, new MalformedRequestException(name, e.Message));
                return empty;
            }
        });
    }

    /// <summary>Throws the <see cref="MalformedRequestException"/> for a request that did not parse.</summary>
    public static void ThrowIfMalformed(object? request)
    {
        if (request is not null && Marks.TryGetValue(request, out var malformed))
        {
            throw malformed;
        }
    }
}
