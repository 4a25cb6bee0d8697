using System.Globalization;
using PiBuild.Core.Go;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Bootstrap;

/// <summary>A file to download: where from, its SHA-256, and who vouches for that digest.</summary>
public sealed record PlannedDownload(string Url, string Sha256, string ChecksumFrom)
{
    public string FileName => Path.GetFileName(new Uri(Url).AbsolutePath);
}

/// <summary>
/// Everything <c>pibuild bootstrap</c> will do, decided before anything runs. The C# run and the <c>--script</c>
/// for boards without .NET are both made from this one value, so they cannot drift apart.
/// </summary>
/// <param name="EstimatedMinutes">A rough cost, so a Pi 1 owner knows to plan an evening, not a coffee (null: unknown board speed).</param>
/// <param name="DiskBytes">About what the build needs on disk.</param>
public sealed record BootstrapPlan(
    TargetProfile Target,
    string GoVersion,
    string MinimumBootstrap,
    PlannedDownload Toolchain,
    PlannedDownload Source,
    string Prefix,
    string BootstrapDirectory,
    bool All,
    bool KeepBootstrap,
    int? EstimatedMinutes,
    long DiskBytes)
{
    public string BuildScript => All ? "all.bash" : "make.bash";

    /// <summary>The release to build, as a version that compares.</summary>
    internal Go.GoVersion Version => Go.GoVersion.Parse(GoVersion);

    /// <summary>The oldest bootstrap toolchain that can build it.</summary>
    internal Go.GoVersion MinimumBootstrapVersion => Go.GoVersion.Parse(MinimumBootstrap);

    /// <summary>
    /// The build script's environment: clean of anything a shell could leak in (GOROOT above all: make.bash derives
    /// it, and a stale one breaks the build), the board named as host and target (GOHOSTOS, GOHOSTARCH, GOOS, GOARCH
    /// and GOARM or GOARM64, so the new toolchain is the board's and defaults to its level), the bootstrap toolchain
    /// and the test timeout scale.
    /// </summary>
    public IReadOnlyDictionary<string, string?> BuildEnvironment => GoEnvironment.Clean().ForBoardToolchain(Target, Version).With(new Dictionary<string, string?>
    {
        ["GOROOT_BOOTSTRAP"] = BootstrapDirectory,
        ["GO_TEST_TIMEOUT_SCALE"] = Target.TestTimeoutScale.ToString(CultureInfo.InvariantCulture),
    }).Variables;

    /// <summary>The same plan as a self-contained POSIX sh script, for boards where .NET cannot run.</summary>
    public string ToScript() => BootstrapScript.Render(this);

    public string PathLine => $"export PATH={Path.Combine(Prefix, "bin")}:$PATH";
}
