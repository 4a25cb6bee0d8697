using System.CommandLine;
using PiBuild.Core;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Cli.Common;

/// <summary>What every command needs from its invocation: the streams, the global options, the environment.</summary>
internal sealed class CliContext
{
    private CliContext(ParseResult parseResult)
    {
        Out = parseResult.InvocationConfiguration.Output;
        Error = parseResult.InvocationConfiguration.Error;
        Verbose = parseResult.GetValue(GlobalOptions.Verbose);
        Quiet = parseResult.GetValue(GlobalOptions.Quiet);
        Json = parseResult.GetValue(GlobalOptions.Json);
        ProjectDirectory = Path.GetFullPath(parseResult.GetValue(GlobalOptions.Directory) ?? Environment.CurrentDirectory);
        GoPath = parseResult.GetValue(GlobalOptions.Go);
        Paths = PiBuildPaths.FromEnvironment(GetVariable);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Verbose { get; }

    public bool Quiet { get; }

    public bool Json { get; }

    public string ProjectDirectory { get; }

    public string? GoPath { get; }

    public PiBuildPaths Paths { get; }

    public ProcessRunner Runner { get; } = new();

    public static CliContext From(ParseResult parseResult) => new(parseResult);

    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public ProfileCatalog LoadCatalog() => ProfileCatalog.Load(ProjectDirectory, Paths);

    public Task<GoToolchain> LocateGoAsync(CancellationToken cancellationToken) =>
        GoToolchain.LocateAsync(GoPath, GetVariable, Runner, cancellationToken, Paths.CacheDirectory);

    /// <summary>A path as the user would type it: relative to the working directory when inside it.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>A step of a long job ("==> fetching …"), on stderr so that stdout stays the result.</summary>
    public void Progress(string step)
    {
        if (!Quiet && !Json)
        {
            Error.WriteLine($"==> {step}");
        }
    }

    /// <summary>Human output: suppressed by --quiet and by --json (stdout then carries JSON only).</summary>
    public void Say(string line)
    {
        if (!Quiet && !Json)
        {
            Out.WriteLine(line);
        }
    }
}
