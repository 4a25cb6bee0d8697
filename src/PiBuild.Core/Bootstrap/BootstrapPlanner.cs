using PiBuild.Core.Digests;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Bootstrap;

/// <summary>What the user asked <c>pibuild bootstrap</c> for; null (or no targets) means "work it out".</summary>
public sealed record BootstrapRequest(
    IReadOnlyList<string> Targets,
    string? GoVersion,
    string? Prefix,
    bool All,
    bool KeepBootstrap,
    string? BootstrapUrl,
    string? BootstrapSha256,
    string? SourceUrl,
    string? SourceSha256,
    string IndexUrl);

/// <summary>
/// Decides versions and downloads: the Go version (given, or the newest stable one in Go's download index),
/// its source tarball, and a bootstrap toolchain at least as new as that version needs, each with the
/// SHA-256 from the user's flags, the profile, or the index.
/// </summary>
internal static class BootstrapPlanner
{
    /// <param name="loadIndex">Reads Go's download index; called only when something must come from it.</param>
    /// <param name="target">The board (named, or detected by the caller).</param>
    /// <param name="prefix">Where Go goes: the request's, or the caller's default.</param>
    public static async Task<BootstrapPlan> PlanAsync(BootstrapRequest request, TargetProfile target, string prefix, Func<string, Task<GoDownloadIndex>> loadIndex)
    {
        var source = Pair(request.SourceUrl, request.SourceSha256, "--source-url", "--source-sha256");
        var toolchain = Pair(request.BootstrapUrl, request.BootstrapSha256, "--bootstrap-url", "--bootstrap-sha256")
            ?? (target.Bootstrap is { From: "url", Url: { } url, Sha256: { } sha } ? new PlannedDownload(url, sha, $"profile {target.Name}") : null);

        GoDownloadIndex? index = null;
        async Task<GoDownloadIndex> Index() => index ??= await loadIndex(request.IndexUrl).ConfigureAwait(false);

        GoVersion version;
        if (request.GoVersion is { } requested)
        {
            version = BootstrapVersions.ParseRequested(requested);
        }
        else if (source is null)
        {
            version = GoVersion.NewestStableIn(await Index().ConfigureAwait(false))
                ?? throw new ConfigurationException($"Go's download index {request.IndexUrl} lists no stable release; name one with --go VERSION");
        }
        else
        {
            throw new ConfigurationException("with --source-url, name the Go version it holds with --go VERSION");
        }

        var minimum = BootstrapVersions.MinimumFor(version);
        if (source is null)
        {
            var fileName = $"{version}.src.tar.gz";
            var file = (await Index().ConfigureAwait(false)).Find(fileName)
                ?? throw new ConfigurationException($"unknown Go version {version}: Go's download index ({request.IndexUrl}) does not list {fileName}");
            source = new PlannedDownload(GoDownloadIndex.FileUrl(request.IndexUrl, fileName), file.Sha256, "Go's download index");
        }

        if (toolchain is null)
        {
            var arch = target.Bootstrap?.ArchiveArch ?? target.GoArch;
            var fileName = $"{minimum}.{target.GoOs}-{arch}.tar.gz";
            var file = (await Index().ConfigureAwait(false)).Find(fileName)
                ?? throw new ConfigurationException(
                    $"Go's download index has no {fileName} to bootstrap {version} from; make one with 'pibuild pack-bootstrap --target {target.Name}' " +
                    "and pass it with --bootstrap-url and --bootstrap-sha256");
            toolchain = new PlannedDownload(GoDownloadIndex.FileUrl(request.IndexUrl, fileName), file.Sha256, "Go's download index");
        }

        prefix = Path.GetFullPath(prefix);
        return new BootstrapPlan(target, version.Text, minimum.Text, toolchain, source, prefix, prefix.TrimEnd('/') + "-bootstrap",
            request.All, request.KeepBootstrap, EstimatedMinutes(target, request.All), DiskBytes(request.All));
    }

    private static PlannedDownload? Pair(string? url, string? sha256, string urlFlag, string shaFlag) => (url, sha256) switch
    {
        (null, null) => null,
        ({ } u, { } s) => new PlannedDownload(u, Sha256Hex.Parse(s, shaFlag), shaFlag),
        (null, _) => throw new ConfigurationException($"{shaFlag} goes with {urlFlag}"),
        _ => throw new ConfigurationException($"{urlFlag} needs {shaFlag}: a toolchain download without a checksum is refused"),
    };

    /// <summary>
    /// Scaled from make.bash's ~4 minutes on two 2.5 GHz x86 cores, with a 3× penalty for the Pi's in-order ARM
    /// cores; all.bash runs the test suite on top, about six times as long.
    /// </summary>
    private static int? EstimatedMinutes(TargetProfile target, bool all) => target is { Cores: { } cores, ClockMhz: { } mhz }
        ? (int)Math.Ceiling(4.0 * (2 * 2500) / (cores * mhz) * 3 * (all ? 6 : 1))
        : null;

    /// <summary>Source, build and bootstrap together.</summary>
    private static long DiskBytes(bool all) => (all ? 1400L : 1100L) * 1024 * 1024;
}
