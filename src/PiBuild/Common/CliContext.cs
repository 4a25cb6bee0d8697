using System.CommandLine;
using PiBuild.Core;

namespace PiBuild.Cli.Common;

/// <summary>What every command needs from its invocation: the streams, the global options, and the Core workspace.</summary>
internal sealed class CliContext : IDisposable
{
    private CliContext(ParseResult parseResult)
    {
        Out = parseResult.InvocationConfiguration.Output;
        Error = parseResult.InvocationConfiguration.Error;
        Verbose = parseResult.GetValue(GlobalOptions.Verbose);
        Quiet = parseResult.GetValue(GlobalOptions.Quiet);
        Json = parseResult.GetValue(GlobalOptions.Json);
        // Progress is redrawn only on pibuild's own stderr when that is a terminal; never into a log or a capture.
        var terminal = ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;
        Events = new CliEvents(Out, Error, Quiet, Json, terminal);
        Workspace = new Workspace(
            parseResult.GetValue(GlobalOptions.Directory) ?? Environment.CurrentDirectory, parseResult.GetValue(SharedOptions.Go), Verbose, Environment.GetEnvironmentVariable, Events,
            parseResult.GetValue(SharedOptions.GoIndex));
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Verbose { get; }

    public bool Quiet { get; }

    public bool Json { get; }

    public CliEvents Events { get; }

    public Workspace Workspace { get; }

    public static CliContext From(ParseResult parseResult) => new(parseResult);

    /// <summary>A path as the user would type it: relative to the working directory when inside it.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>Human output: suppressed by --quiet and by --json (stdout then carries JSON only).</summary>
    public void Print(string line)
    {
        if (!Quiet && !Json)
        {
            Out.WriteLine(line);
        }
    }

    /// <summary>What must be read even under --quiet (a failure, a missing piece); not with --json.</summary>
    public void PrintImportant(string line)
    {
        if (!Json)
        {
            Out.WriteLine(line);
        }
    }

    public void Dispose() => Events.Dispose();
}
