using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core;

/// <summary>
/// Where a pipeline runs: the project directory, the toolchain the user named, pibuild's cache and config
/// directories, the environment, the one process runner, and where progress goes. The CLI makes one per
/// invocation; a spec makes its own.
/// </summary>
public sealed partial class Workspace
{
    /// <summary>Where board detection reads <c>/proc</c>; specs and the SSH tests point it at fake files.</summary>
    public const string HostRootVariable = "PIBUILD_HOST_ROOT";

    /// <summary>The C cross compilers <c>--cgo</c> builds with, one per Raspberry Pi userland (from the board model).</summary>
    public static IReadOnlyList<string> CCompilers { get; } = [.. PiBuild.Core.Targets.BoardAbi.PiUserlands.Reverse().Select(abi => abi.CCompiler)];

    /// <summary>Why pibuild cannot run here (it needs Linux), as one line with the way out; null on Linux.</summary>
    public static string? UnsupportedSystem => Interop.Libc.UnsupportedSystem;

    private ProfileCatalog? _catalog;
    private ProjectConfig? _config;

    public Workspace(string projectDirectory, string? goChoice, bool verbose, Func<string, string?> getVariable, IPipelineEvents events, string? goIndex = null)
    {
        ProjectDirectory = Path.GetFullPath(projectDirectory);
        GoChoice = goChoice;
        GoIndex = goIndex;
        Verbose = verbose;
        GetVariable = getVariable;
        Events = events;
        Paths = PiBuildPaths.FromEnvironment(getVariable);
        Processes.InterruptOrigin.Watch();
    }

    public string ProjectDirectory { get; }

    /// <summary>The toolchain named with --go: a path or a version; null means $PIBUILD_GO, then what the module asks for.</summary>
    public string? GoChoice { get; }

    /// <summary>Go's download index named with --index; null means $PIBUILD_GO_INDEX, then go.dev's.</summary>
    public string? GoIndex { get; }

    /// <summary>Stream the toolchain's own output and show the exact commands.</summary>
    public bool Verbose { get; }

    internal Func<string, string?> GetVariable { get; }

    internal IPipelineEvents Events { get; }

    internal PiBuildPaths Paths { get; }

    internal ProcessRunner Runner { get; init; } = new();

    /// <summary>The root of the file system whose <c>/proc</c> tells which board this is.</summary>
    internal string HostRoot => GetVariable(HostRootVariable) is { Length: > 0 } root ? root : "/";

    /// <summary>Every profile: built-in, the project's, the user's. Loaded once, strictly.</summary>
    internal ProfileCatalog Catalog() => _catalog ??= ProfileCatalog.Load(ProjectDirectory, Paths);

    internal GoProject Project() => GoProject.Detect(ProjectDirectory);

    /// <summary>The project's pibuild.yaml, read once; empty when there is no project or no file.</summary>
    internal ProjectConfig Config() => _config ??= GoProject.TryDetect(ProjectDirectory) is { } project ? ProjectConfig.Load(project.Root) : ProjectConfig.Empty;

    /// <summary>cgo as --cgo, --sysroot and the project's pibuild.yaml ask for it.</summary>
    internal Go.CgoOptions CgoOptions(bool cgo, IReadOnlyList<string>? sysroots) =>
        Go.CgoOptions.From(cgo, sysroots ?? [], Config(), GoProject.TryDetect(ProjectDirectory)?.Root, Catalog());

    /// <summary>The Go that builds here: the one named, else the one the project's go.mod asks for (fetched when needed).</summary>
    internal async Task<GoToolchain> ToolchainAsync(CancellationToken cancellationToken)
    {
        var selection = new ToolchainSelection(this);
        var plan = await selection.PlanAsync(Requirement(), cancellationToken).ConfigureAwait(false);
        var toolchain = await selection.ResolveAsync(plan, cancellationToken).ConfigureAwait(false);
        if (Verbose)
        {
            Events.ToolOutput($"# go: {toolchain.Version} at {toolchain.GoExecutable} ({toolchain.Reason})");
        }

        return toolchain;
    }

    /// <summary>What the project (if there is one here) asks of its Go.</summary>
    internal GoRequirement Requirement() => GoProject.TryDetect(ProjectDirectory) is { } project ? GoRequirement.Of(project) : GoRequirement.None;

    /// <summary>Shows the command about to run (with --verbose), as a user could paste it.</summary>
    internal void Announce(string label, ProcessSpec spec)
    {
        if (Verbose)
        {
            Events.ToolOutput(spec.Shown(label));
        }
    }
}
