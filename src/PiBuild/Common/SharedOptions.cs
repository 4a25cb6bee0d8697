using System.CommandLine;
using PiBuild.Core;

namespace PiBuild.Cli.Common;

/// <summary>Options that several commands share, declared once so they read the same everywhere.</summary>
internal static class SharedOptions
{
    /// <summary>For the commands that drive a toolchain; <c>bootstrap</c> has its own <c>--go VERSION</c>.</summary>
    public static readonly Option<string?> Go = new("--go")
    {
        Description = "The Go to build with: a go executable, or a release fetched into the cache (1.23.5, 1.23 for its newest, stable); default: $PIBUILD_GO, then what go.mod asks for, then go on PATH",
        HelpName = "PATH|VERSION",
    };

    /// <summary>Where releases named by --go or go.mod are looked up; <c>bootstrap</c> and <c>fetch</c> have their own.</summary>
    public static readonly Option<string?> GoIndex = new("--index")
    {
        Description = "Go's download index, for the releases --go or go.mod name (default: $PIBUILD_GO_INDEX, then https://go.dev/dl/?mode=json&include=all)",
        HelpName = "URL",
    };

    /// <summary>The device reached over ssh for run, test, deploy, targets detect.</summary>
    public static readonly Option<string?> On = new("--on")
    {
        Description = "Your Pi, over ssh: [user@]host[:port] (default: $PIBUILD_ON); ssh options through $PIBUILD_SSH",
        HelpName = "[USER@]HOST[:PORT]",
    };

    /// <summary>cgo with the boards' C compilers, for cross, build, run, test, deploy and release.</summary>
    public static readonly Option<bool> Cgo = new("--cgo")
    {
        Description = $"Build with cgo and the board's C cross compiler ({string.Join(", ", Workspace.CCompilers)})",
    };

    /// <summary>Repeatable: one for every board, or one per board named before '='.</summary>
    public static readonly Option<string[]> Sysroot = new("--sysroot")
    {
        Description = "The board's headers and libraries for cgo (from: pibuild sysroot --on pi@host -o DIR), for every board or for one as BOARD=DIR; needed for pi0/pi1",
        HelpName = "[BOARD=]DIR",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Build tags for every building command, after pibuild.yaml's <c>tags:</c>.</summary>
    public static readonly Option<string[]> Tags = new("--tags")
    {
        Description = "Build tags, comma-separated or repeated (added to pibuild.yaml's tags:)",
        HelpName = "TAG,...",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Linker flags for every building command, after pibuild.yaml's <c>ldflags:</c>.</summary>
    public static readonly Option<string?> LdFlags = new("--ldflags")
    {
        Description = "Linker flags, after pibuild.yaml's ldflags: ({version} and {commit} are filled in), e.g. \"-X main.version={version}\"",
        HelpName = "FLAGS",
    };

    /// <summary>
    /// go build's flags for Core to check: --tags and --ldflags as go spells them, then <paramref name="passed"/> (what
    /// followed <c>--</c>: go build's flags, then packages).
    /// </summary>
    public static IReadOnlyList<string> GoFlags(ParseResult parseResult, IReadOnlyList<string> passed) =>
    [
        .. (parseResult.GetValue(Tags) ?? []).Select(t => $"-tags={t}"),
        .. parseResult.GetValue(LdFlags) is { } ldflags ? [$"-ldflags={ldflags}"] : Array.Empty<string>(),
        .. passed,
    ];

    /// <summary>An argument's values before <c>--</c> and after it (System.CommandLine hands both over as one list).</summary>
    public static (string[] Before, string[] After) SplitAtDoubleDash(ParseResult parseResult, Argument<string[]> argument)
    {
        var all = parseResult.GetValue(argument) ?? [];
        var separator = parseResult.Tokens.Select(t => t.Value).ToList().IndexOf("--");
        var after = separator < 0 ? 0 : parseResult.Tokens.Count - separator - 1;
        return (all[..^after], all[^after..]);
    }

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
