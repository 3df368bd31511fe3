using System.Diagnostics;
using System.Text;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>Result of one docker CLI invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public CliResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{Stderr}\n{Stdout}");
        }
        return this;
    }
}

/// <summary>
/// The docker CLI, for what Testcontainers does not cover (compose, SIGKILL, image metadata).
/// Debian's /usr/bin/docker is preferred: an older client elsewhere on PATH may lack plugins.
/// </summary>
public static class DockerCli
{
    public static string Executable { get; } = File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CliResult(-1, "", $"cannot run {Executable}: {e.Message}");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Only the process this helper started is ended, with its own children.
            process.Kill(entireProcessTree: true);
            return new CliResult(-2, stdout.ToString(), $"{Executable} {string.Join(' ', args)} timed out after {timeout}\n{stderr}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, TimeSpan.FromMinutes(2));
}
