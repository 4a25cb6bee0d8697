using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Builds;

/// <summary>
/// The opening every building command shares (cross, build, run, test, deploy, release), done once and in one order:
/// cgo applied to the boards, a missing C compiler or a bad sysroot said before anything else, the project detected,
/// Go resolved; then one C toolchain and one Go environment per board, made once and asked for by every later step.
/// Boards whose builds are the same (<see cref="Groups"/>) share one <c>go build</c>.
/// </summary>
internal sealed class BuildSession
{
    private readonly IReadOnlyDictionary<string, CgoToolchain> _cToolchains;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string?>> _cEnvironments = new(StringComparer.Ordinal);

    /// <summary>A session whose Go and project are known already (specs make theirs so).</summary>
    /// <param name="cToolchains">Each cgo board's C toolchain, by board name.</param>
    internal BuildSession(PiBuildPaths paths, IReadOnlyList<TargetProfile> targets, GoProject project, GoToolchain toolchain, IReadOnlyDictionary<string, CgoToolchain>? cToolchains = null, GoBuildFlags? flags = null, IReadOnlyList<string>? morePackages = null)
    {
        Flags = flags ?? GoBuildFlags.None;
        MorePackages = morePackages ?? [];
        Paths = paths;
        Targets = targets;
        Project = project;
        Toolchain = toolchain;
        _cToolchains = cToolchains ?? new Dictionary<string, CgoToolchain>();
    }

    /// <summary>The boards, with cgo on where it was asked for.</summary>
    public IReadOnlyList<TargetProfile> Targets { get; }

    public GoProject Project { get; }

    public GoToolchain Toolchain { get; }

    public PiBuildPaths Paths { get; }

    /// <summary>Tags, linker flags and go build's other flags: pibuild.yaml's, then the command line's.</summary>
    public GoBuildFlags Flags { get; }

    /// <summary>Package patterns that followed the go flags (<c>-- -trimpath ./cmd/x</c>): built beside the command's own.</summary>
    public IReadOnlyList<string> MorePackages { get; }

    /// <summary>
    /// Opens the session for <paramref name="boards"/> (as selected, before cgo is applied): every check that needs no
    /// Go comes before Go is resolved, which may mean a download.
    /// </summary>
    /// <param name="goFlags">
    /// The command line's go build flags as given (read here, once, before anything else); pibuild.yaml's tags and
    /// linker flags go before them. Package patterns among them become <see cref="MorePackages"/>.
    /// </param>
    /// <param name="refusePackage">For a command that builds a set of its own: the line that refuses a package pattern.</param>
    /// <param name="release">A release's build (trimmed, stripped, no build ID): see <see cref="GoBuildFlags.ForRelease"/>.</param>
    public static async Task<BuildSession> OpenAsync(
        Workspace workspace, IReadOnlyList<TargetProfile> boards, CgoOptions cgo, IReadOnlyList<string>? goFlags, CancellationToken cancellationToken,
        Func<string, string>? refusePackage = null, bool release = false)
    {
        var (flags, morePackages) = GoBuildFlags.Parse(goFlags ?? []);
        if (refusePackage is not null && morePackages.Count > 0)
        {
            throw new ConfigurationException(refusePackage(morePackages[0]));
        }

        flags = release ? flags.ForRelease() : flags;
        var targets = boards.Select(cgo.Apply).ToArray();
        cgo.CheckSysrootsUsed(targets);
        var cToolchains = new Dictionary<string, CgoToolchain>(StringComparer.Ordinal);
        foreach (var target in targets.Where(t => t.Cgo))
        {
            var c = CgoToolchain.For(target, cgo.SysrootFor(target), workspace.Paths);
            c.CheckInstalled(workspace.GetVariable);
            cToolchains[target.Name] = c;
        }

        var project = workspace.Project();
        var toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
        return new BuildSession(workspace.Paths, targets, project, toolchain, cToolchains, flags.After(workspace.Config()), morePackages);
    }

    /// <summary>The board's C toolchain; null when it builds without cgo.</summary>
    public CgoToolchain? CToolchain(TargetProfile target) => target.Cgo ? _cToolchains[target.Name] : null;

    /// <summary>The board's own build cache: one per board level and Go release.</summary>
    public string GoCache(TargetProfile target) => Paths.GoBuildCache(target.Platform, Toolchain.Version.Text);

    /// <summary>Every go command's environment for the board: target, project, its cache, and the C side.</summary>
    public GoEnvironment Environment(TargetProfile target) =>
        GoEnvironment.Clean().ForTarget(target, Toolchain.Version).ForProject(Project).WithCache(GoCache(target)).With(CEnvironment(target));

    /// <summary>
    /// The boards in groups whose builds are the same — go sees the same GOOS, GOARCH, level and C side for each (a Pi
    /// 0 and a Pi 1; a Pi 2 and the -32 boards; a Pi 4 and a Pi 5 with a Go that does not know GOARM64) — in the order
    /// given, each group's boards in that order too.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<TargetProfile>> Groups(IEnumerable<TargetProfile> targets) =>
        targets.GroupBy(BuildIdentity, StringComparer.Ordinal).Select(g => (IReadOnlyList<TargetProfile>)g.ToArray()).ToArray();

    /// <summary>What go builds from: the same environment (the C side's too, with its sysroot) gives the same binaries.</summary>
    private string BuildIdentity(TargetProfile target) =>
        string.Join(' ', GoEnvironment.Clean().ForTarget(target, Toolchain.Version).With(CEnvironment(target)).Variables
            .Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The C compiler's environment, made once per board (it stamps the sysroot); empty without cgo.</summary>
    private IReadOnlyDictionary<string, string?> CEnvironment(TargetProfile target)
    {
        if (!_cEnvironments.TryGetValue(target.Name, out var variables))
        {
            _cEnvironments[target.Name] = variables = CToolchain(target)?.Environment() ?? new Dictionary<string, string?>();
        }

        return variables;
    }
}
