using System.CommandLine;

namespace PiBuild.Cli.Common;

/// <summary>Options every command understands (recursive: valid after any subcommand).</summary>
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
}
