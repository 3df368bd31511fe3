namespace DropoutService.Server.Hosting;

/// <summary>A configuration problem that stops the server: the message is one line naming the option.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
