namespace DropoutService.Server.Security;

/// <summary>A method's required role and whether it changes state.</summary>
public sealed record RpcPermission(string Role, bool ChangesState);
