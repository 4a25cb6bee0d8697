namespace PiBuild.Core.Processes;

/// <summary>
/// A child process to run. <see cref="Environment"/> holds overrides on top of the inherited environment;
/// a null value removes the variable, so a build's environment is exactly what the plan says.
/// </summary>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment)
{
    /// <summary>A spec with no environment overrides.</summary>
    public static ProcessSpec Plain(string fileName, IReadOnlyList<string> arguments, string workingDirectory) =>
        new(fileName, arguments, workingDirectory, new Dictionary<string, string?>());

    /// <summary>How --verbose shows a command before it runs: <c># LABEL: (cd DIR &amp;&amp; COMMAND)</c>, to paste into a shell.</summary>
    public string Shown(string label) => $"# {label}: (cd {WorkingDirectory} && {ToShellLine()})";

    /// <summary>The command as a user could paste it into a shell (environment overrides first).</summary>
    public string ToShellLine()
    {
        var env = Environment.Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={ShellQuote.Word(kv.Value!)}");
        return string.Join(' ', env.Append(ShellQuote.Word(FileName)).Concat(Arguments.Select(ShellQuote.Word)));
    }
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines the process printed (both streams), for a failure message.</summary>
    public string Tail(int lines) =>
        string.Join('\n', (StandardOutput + StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));

    /// <summary>The first line of standard error (or output), for a one-line message.</summary>
    public string FirstLine =>
        (StandardError + "\n" + StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? $"exit {ExitCode}, no output";
}

/// <summary>Line callbacks for streaming a child's output while it runs (for <c>-v</c>).</summary>
internal sealed record ProcessOutput(Action<string>? OnStandardOutput = null, Action<string>? OnStandardError = null)
{
    /// <summary>Both streams to one callback.</summary>
    public static ProcessOutput Lines(Action<string> onLine) => new(onLine, onLine);
}

/// <summary>Where an attached child (<c>pibuild run</c>) reads and writes: normally pibuild's own standard streams.</summary>
public sealed record ProcessStreams(Stream Input, Stream Output, Stream Error);
