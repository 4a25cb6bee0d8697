using System.CommandLine;
using PiBuild.Core;

namespace PiBuild.Cli.Common;

/// <summary>Options every command understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Stream the Go toolchain's own output; show stack traces on errors",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print nothing on success",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the result as JSON on stdout (for CI)",
        Recursive = true,
    };

    public static readonly Option<string?> Directory = new("--directory", "-C")
    {
        Description = "The project directory (default: the current directory)",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>For the commands that drive a toolchain; <c>bootstrap</c> has its own <c>--go VERSION</c>.</summary>
    public static readonly Option<string?> Go = new("--go")
    {
        Description = "The go executable to use (default: $PIBUILD_GO, then go on PATH)",
        HelpName = "PATH",
    };

    public static readonly Option<string[]> Target = new("--target", "-t")
    {
        Description = "Board profile(s), comma-separated or repeated (see: pibuild targets)",
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The one board a command works on: <c>--target</c> given once, without commas.</summary>
    public static string SingleTarget(ParseResult parseResult, string command)
    {
        var targets = parseResult.GetValue(Target) ?? [];
        return targets.Length == 1 && !targets[0].Contains(',', StringComparison.Ordinal)
            ? targets[0]
            : throw new ConfigurationException($"{command} needs exactly one board: --target pi1 (see: pibuild targets)");
    }
}
