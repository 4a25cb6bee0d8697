using System.CommandLine;

namespace PiBuild.Cli.Common;

/// <summary>Options every command understands, and the ones several share.</summary>
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

    /// <summary>Board profile(s); whether one or many, named or detected, is Core's decision.</summary>
    public static readonly Option<string[]> Target = Targets("Board profile(s), comma-separated or repeated (see: pibuild targets)");

    /// <summary>For commands that work on the device, where the board is detected when none is named.</summary>
    public static readonly Option<string[]> DeviceTarget = Targets("The board (default: detected from /proc/device-tree/model and /proc/cpuinfo)");

    private static Option<string[]> Targets(string description) => new("--target", "-t")
    {
        Description = description,
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = false,
    };
}
