using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Go;

/// <summary>
/// The environment of every go process pibuild starts (builds, tests, make.bash, bootstrap.bash, <c>go env</c>).
/// It starts from <see cref="Clean"/>: every variable that shapes what go builds is removed or set, so nothing
/// left in the user's shell (a stray GOARM, GOARCH, GOFLAGS, GOROOT or GOAMD64) changes a result; each step adds
/// what its process needs, explicitly.
/// </summary>
internal sealed class GoEnvironment
{
    // What decides the target, the toolchain or the flags of a go command; set again below where a step needs it.
    private static readonly string[] BuildShaping =
    [
        "GOOS", "GOARCH", "GOARM", "GO386", "GOAMD64", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM",
        "GOHOSTOS", "GOHOSTARCH", "GOEXPERIMENT", "GOROOT", "CGO_ENABLED", "GO111MODULE",
    ];

    private readonly Dictionary<string, string?> _variables;

    private GoEnvironment(Dictionary<string, string?> variables) => _variables = variables;

    public IReadOnlyDictionary<string, string?> Variables => _variables;

    /// <summary>Nothing inherited that shapes a build; the toolchain that runs is the one pibuild chose.</summary>
    public static GoEnvironment Clean()
    {
        var variables = BuildShaping.ToDictionary(name => name, _ => (string?)null, StringComparer.Ordinal);

        // Go finds its own root from its executable; a GOROOT in the shell can only point it at the wrong tree.
        // No switching or downloading of toolchains (Go 1.21+): the go pibuild verified is the go that builds.
        variables["GOTOOLCHAIN"] = "local";

        // pibuild passes its flags on the command line. An empty GOFLAGS would let go fall back to the value in
        // its env file (go env -w GOFLAGS=…); a blank one overrides that file and adds no flag.
        variables["GOFLAGS"] = " ";
        return new GoEnvironment(variables);
    }

    /// <summary>
    /// GOOS, GOARCH, the architecture level and cgo, from the board's profile. GOARM64 is set only for a toolchain
    /// that knows it (Go 1.23+); an older one builds ARMv8.0 code, which every 64-bit Pi runs.
    /// </summary>
    public GoEnvironment ForTarget(TargetProfile target, GoVersion toolchain) => With(new Dictionary<string, string?>
    {
        ["GOOS"] = target.GoOs,
        ["GOARCH"] = target.GoArch,
        ["GOARM"] = target.GoArm?.ToString(),
        ["GOARM64"] = toolchain.KnowsGoArm64 ? target.GoArm64?.ToString() : null,
        ["CGO_ENABLED"] = target.Cgo ? "1" : "0",
    });

    /// <summary>
    /// For make.bash on the board: the toolchain is built for and on the board, so host and target are both the
    /// profile's. Left to itself, cmd/dist guesses the host from <c>uname -m</c>, which says aarch64 under a 32-bit
    /// Raspberry Pi OS on a 64-bit kernel, and x86_64 on a laptop running the ARM bootstrap through binfmt.
    /// </summary>
    public GoEnvironment ForBoardToolchain(TargetProfile target, GoVersion built) => With(new Dictionary<string, string?>
    {
        ["GOHOSTOS"] = target.GoOs,
        ["GOHOSTARCH"] = target.GoArch,
        ["GOOS"] = target.GoOs,
        ["GOARCH"] = target.GoArch,
        ["GOARM"] = target.GoArm?.ToString(),
        ["GOARM64"] = built.KnowsGoArm64 ? target.GoArm64?.ToString() : null,
    });

    /// <summary>Module mode, or GOPATH mode for a gb-style project (its own tree, then its vendored one).</summary>
    public GoEnvironment ForProject(GoProject project) => project.Layout == ProjectLayout.GbStyle
        ? With(new Dictionary<string, string?> { ["GO111MODULE"] = "off", ["GOPATH"] = project.GoPath })
        : With("GO111MODULE", "on");

    /// <summary>The build cache: one per board and Go release, never the user's or GOROOT's.</summary>
    public GoEnvironment WithCache(string goCache) => With("GOCACHE", goCache);

    public GoEnvironment With(string name, string? value) => With(new Dictionary<string, string?> { [name] = value });

    public GoEnvironment With(IReadOnlyDictionary<string, string?> more)
    {
        var variables = new Dictionary<string, string?>(_variables, StringComparer.Ordinal);
        foreach (var (name, value) in more)
        {
            variables[name] = value;
        }

        return new GoEnvironment(variables);
    }
}
