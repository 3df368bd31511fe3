namespace DropoutService.Server.Observability;

/// <summary>Splits a gRPC path <c>/dropout.v1.ModelService/GetModel</c> into service and method.</summary>
public static class RpcMethodName
{
    public static (string Service, string Method) Split(string fullMethod)
    {
        string path = fullMethod.StartsWith('/') ? fullMethod[1..] : fullMethod;
        int slash = path.IndexOf('/');
        return slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
    }
}
