namespace DropoutService.Polyglot.Tests.Infrastructure;

/// <summary>The outcome of a child process: exit code (-1 when it timed out) and its output.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>Everything the process printed, for test output and failure messages.</summary>
    public string Output => $"$ {Command}\n--- exit {ExitCode}{(TimedOut ? " (timed out, killed)" : "")}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
