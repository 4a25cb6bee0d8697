using System.Text;
using CliWrap;

namespace PiBuild.Core.Processes;

/// <summary>
/// A child process to run. <see cref="Environment"/> holds overrides on top of the inherited environment;
/// a null value removes the variable, so a build's environment is exactly what the plan says.
/// </summary>
public sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>The command as a user could paste it into a shell (environment overrides first).</summary>
    public string ToShellLine()
    {
        var env = Environment.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={ShellQuote(kv.Value!)}");
        return string.Join(' ', env.Append(ShellQuote(FileName)).Concat(Arguments.Select(ShellQuote)));
    }

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=,:+@%".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines the process printed (both streams), for a failure message.</summary>
    public string Tail(int lines) =>
        string.Join('\n', (StandardOutput + StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}

/// <summary>Line callbacks for streaming a child's output while it runs (for <c>-v</c>).</summary>
public sealed record ProcessOutput(Action<string>? OnStandardOutput = null, Action<string>? OnStandardError = null);

/// <summary>
/// The one way pibuild starts processes. Cancelling kills the child's whole process tree (go build's
/// compile and link children included) before the call returns, so nothing keeps writing after pibuild
/// reports the interruption.
/// </summary>
public sealed class ProcessRunner
{
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, ProcessOutput? output = null, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Build(spec)
            .WithStandardOutputPipe(Target(stdout, output?.OnStandardOutput))
            .WithStandardErrorPipe(Target(stderr, output?.OnStandardError));

        var result = await ExecuteAsync(command, spec, cancellationToken).ConfigureAwait(false);
        return new ProcessResult(result, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with the child reading and writing this process's own standard streams (for <c>pibuild run</c>).</summary>
    public async Task<int> RunAttachedAsync(ProcessSpec spec, Stream stdin, Stream stdout, Stream stderr, CancellationToken cancellationToken = default)
    {
        var command = Build(spec)
            .WithStandardInputPipe(PipeSource.FromStream(stdin))
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout, autoFlush: true))
            .WithStandardErrorPipe(PipeTarget.ToStream(stderr, autoFlush: true));
        return await ExecuteAsync(command, spec, cancellationToken).ConfigureAwait(false);
    }

    private static Command Build(ProcessSpec spec) =>
        Cli.Wrap(spec.FileName)
            .WithArguments(spec.Arguments)
            .WithWorkingDirectory(spec.WorkingDirectory)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None);

    private static async Task<int> ExecuteAsync(Command command, ProcessSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return result.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ConfigurationException($"cannot run {spec.FileName}: {e.Message}", e);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.ComponentModel.Win32Exception)
        {
            throw new ConfigurationException($"cannot run {spec.FileName}: {e.InnerException.Message}", e);
        }
    }

    private static PipeTarget Target(StringBuilder buffer, Action<string>? onLine) =>
        onLine is null
            ? PipeTarget.ToStringBuilder(buffer)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(buffer), PipeTarget.ToDelegate(onLine));
}
