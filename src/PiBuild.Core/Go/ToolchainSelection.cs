using System.Runtime.InteropServices;
using PiBuild.Core.Fetching;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Go;

/// <summary>
/// Which Go builds, decided before anything is downloaded: a go that is here (a path, the go on PATH, a cached
/// release), or a release to fetch from Go's download index first. A value, so that doctor can show it.
/// </summary>
/// <param name="Reason">Why: what was asked (--go, $PIBUILD_GO, go.mod's go and toolchain lines) and, for a go that is here, what answers it.</param>
/// <param name="Named">Where <see cref="Executable"/> was named (--go, $PIBUILD_GO, PATH), for messages.</param>
internal sealed record ToolchainPlan(string Reason, string? Executable, GoVersion? Cached, GoVersion? Fetch, string? Url = null, string? Sha256 = null, string Named = "PATH");

/// <summary>
/// The rules: <c>--go</c> (or <c>$PIBUILD_GO</c>) names a path or a version; otherwise a module's go.mod decides as
/// GOTOOLCHAIN=auto would — the go on PATH when it is new enough, else the release the module asks for (its
/// toolchain line, or its go line; a bare line such as <c>go 1.23</c> means that line's newest release) — but
/// cached, verified against Go's published SHA-256, and never switched behind pibuild's back: the build itself
/// runs with GOTOOLCHAIN=local and the chosen go. A gb-style project asks for nothing and gets the go on PATH.
/// </summary>
internal sealed class ToolchainSelection(Workspace workspace)
{
    /// <summary>Go's download index, for versions and checksums; <c>--index</c> and <c>$PIBUILD_GO_INDEX</c> override it.</summary>
    public const string IndexVariable = "PIBUILD_GO_INDEX";

    private readonly ToolchainStore _store = new(workspace.Paths);
    private GoDownloadIndex? _index;

    public string IndexUrl => workspace.GoIndex ?? (workspace.GetVariable(IndexVariable) is { Length: > 0 } url ? url : GoDownloadIndex.DefaultUrl);

    /// <summary>Decides without downloading a toolchain (the index is read only when a release must be looked up).</summary>
    public async Task<ToolchainPlan> PlanAsync(GoRequirement requirement, CancellationToken cancellationToken)
    {
        var request = workspace.GoChoice is { } flag
            ? ToolchainRequest.Parse(flag, "--go")
            : ToolchainRequest.Parse(workspace.GetVariable(GoToolchain.ExecutableVariable), $"${GoToolchain.ExecutableVariable}");
        return request switch
        {
            PathRequest path => new ToolchainPlan($"{path.Source} {path.Path}", path.Path, null, null, Named: path.Source),
            ExactRequest exact => await ReleaseAsync(exact.Version, $"{exact.Source} {exact.Version.Text[2..]}", cancellationToken).ConfigureAwait(false),
            LineRequest line => await NewestOfLineAsync(line.Language, $"{line.Source} {line.Language.Text[2..]}", cancellationToken).ConfigureAwait(false),
            StableRequest stable => await StableAsync($"{stable.Source} stable", cancellationToken).ConfigureAwait(false),
            _ => await ForRequirementAsync(requirement, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Carries out a plan: fetches and proves a release when it must, and asks the chosen go what it is.</summary>
    public async Task<GoToolchain> ResolveAsync(ToolchainPlan plan, CancellationToken cancellationToken)
    {
        var version = plan.Cached ?? plan.Fetch;
        if (plan.Fetch is { } fetch)
        {
            workspace.Events.Step($"fetching {fetch} for this machine: {plan.Reason}");
            using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
            await _store.InstallAsync(fetch, plan.Url!, plan.Sha256!, fetcher, workspace.Runner,
                new DownloadProgress(workspace.Events), cancellationToken).ConfigureAwait(false);
        }

        var executable = version is null ? plan.Executable! : _store.GoExecutable(version);
        var source = version is null ? plan.Named : $"the toolchain cache ({version})";
        var toolchain = await GoToolchain.ProbeAsync(executable, source, workspace.Runner, workspace.Paths.CacheDirectory, cancellationToken).ConfigureAwait(false);
        if (version is not null)
        {
            _store.MarkUsed(version);
        }

        return toolchain with { Reason = plan.Fetch is { } fetched ? $"{plan.Reason}: fetched {fetched}" : plan.Reason };
    }

    private async Task<ToolchainPlan> ForRequirementAsync(GoRequirement requirement, CancellationToken cancellationToken)
    {
        var onPath = ExecutableSearch.FindOnPath("go", workspace.GetVariable("PATH"));
        if (requirement.Minimum is not { } minimum)
        {
            return onPath is not null
                ? new ToolchainPlan("go on PATH", onPath, null, null)
                : throw new ConfigurationException(
                    "no Go toolchain found: 'go' is not on PATH; install one (Debian/Ubuntu: sudo apt-get install golang-go), pass --go PATH, or --go stable to have pibuild fetch one");
        }

        GoVersion? pathVersion = null;
        if (onPath is not null)
        {
            pathVersion = (await GoToolchain.ProbeAsync(onPath, "PATH", workspace.Runner, workspace.Paths.CacheDirectory, cancellationToken).ConfigureAwait(false)).Version;
            if (pathVersion.Satisfies(minimum))
            {
                return new ToolchainPlan($"go on PATH ({pathVersion}) satisfies {requirement.Describe()}", onPath, null, null);
            }
        }

        // A pinned release (a toolchain line, or a go line with a patch) means that release, as GOTOOLCHAIN=auto runs
        // it: a newer one that happens to be cached would make the build depend on the cache. A bare line (go 1.23)
        // means any of its releases: the newest cached one, without asking the network.
        var why = $"{requirement.Describe()}{(pathVersion is null ? " and no go is on PATH" : $" and go on PATH is {pathVersion}")}";
        if (!minimum.IsLanguage)
        {
            return await ReleaseAsync(minimum, why, cancellationToken).ConfigureAwait(false);
        }

        return _store.NewestOf(minimum) is { } cached
            ? new ToolchainPlan($"{why}: cached {cached}", null, cached, null)
            : await NewestOfLineAsync(minimum, why, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ToolchainPlan> ReleaseAsync(GoVersion version, string why, CancellationToken cancellationToken)
    {
        if (_store.IsInstalled(version))
        {
            return new ToolchainPlan($"{why}: cached {version}", null, version, null);
        }

        var index = await IndexAsync(version, why, cancellationToken).ConfigureAwait(false);
        return Download(index, version, why);
    }

    private async Task<ToolchainPlan> NewestOfLineAsync(GoVersion line, string why, CancellationToken cancellationToken)
    {
        var index = await TryIndexAsync(cancellationToken).ConfigureAwait(false);
        if (index.Index is null)
        {
            // Offline: the newest release of the line that is here still builds, and says so.
            return _store.NewestOf(line) is { } cached
                ? new ToolchainPlan($"{why}: cached {cached} (Go's download index could not be reached to look for a newer one)", null, cached, null)
                : throw Offline(line, why, index.Failure!);
        }

        var newest = index.Index.Files.Where(f => f.Stable && GoVersion.TryParse(f.Version, out var v) && v!.Language == line.Language)
            .Select(f => GoVersion.Parse(f.Version)).Max()
            ?? throw new ConfigurationException($"Go's download index {IndexUrl} lists no stable {line.Text[2..]} release ({why}); name a release with --go 1.{line.Minor}.N");
        return _store.IsInstalled(newest) ? new ToolchainPlan($"{why}: cached {newest}", null, newest, null) : Download(index.Index, newest, why);
    }

    private async Task<ToolchainPlan> StableAsync(string why, CancellationToken cancellationToken)
    {
        var index = await TryIndexAsync(cancellationToken).ConfigureAwait(false);
        if (index.Index is null)
        {
            return _store.Installed().Where(v => v.Prerelease is null).Max() is { } cached
                ? new ToolchainPlan($"{why}: cached {cached} (Go's download index could not be reached to look for a newer one)", null, cached, null)
                : throw new WorkFailedException($"the newest stable Go is needed ({why}), but Go's download index {IndexUrl} could not be reached ({index.Failure!.Message}); connect, point --index (or ${IndexVariable}) at a reachable copy, or pass --go PATH");
        }

        var newest = GoVersion.NewestStableIn(index.Index) ?? throw new ConfigurationException($"Go's download index {IndexUrl} lists no stable release; name one with --go 1.N.P");
        return _store.IsInstalled(newest) ? new ToolchainPlan($"{why}: cached {newest}", null, newest, null) : Download(index.Index, newest, why);
    }

    private ToolchainPlan Download(GoDownloadIndex index, GoVersion version, string why)
    {
        var (os, arch) = HostPlatform();
        var file = index.Files.FirstOrDefault(f => f.Version == version.Text && f.Os == os && f.Arch == arch && f.Kind == "archive")
            ?? throw new ConfigurationException(
                $"Go's download index {IndexUrl} has no {version} archive for {os}/{arch} ({why}); name another release with --go, or pass --go PATH to a Go you installed");
        return new ToolchainPlan(why, null, null, version, GoDownloadIndex.FileUrl(IndexUrl, file.FileName), file.Sha256);
    }

    private async Task<GoDownloadIndex> IndexAsync(GoVersion needed, string why, CancellationToken cancellationToken)
    {
        var index = await TryIndexAsync(cancellationToken).ConfigureAwait(false);
        return index.Index ?? throw Offline(needed, why, index.Failure!);
    }

    private async Task<(GoDownloadIndex? Index, PiBuildException? Failure)> TryIndexAsync(CancellationToken cancellationToken)
    {
        if (_index is not null)
        {
            return (_index, null);
        }

        try
        {
            using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
            _index = await fetcher.ReadIndexAsync(IndexUrl, cancellationToken).ConfigureAwait(false);
            return (_index, null);
        }
        catch (WorkFailedException e)
        {
            return (null, e);
        }
    }

    private WorkFailedException Offline(GoVersion needed, string why, PiBuildException failure) => new(
        $"{needed} is needed ({why}) and is not cached, but Go's download index {IndexUrl} could not be reached ({failure.Message}); " +
        $"connect, point --index (or ${IndexVariable}) at a reachable copy, or pass --go PATH to a Go {needed.Text[2..]} toolchain", failure);

    /// <summary>This machine as Go's download index names platforms (its userland: what runs pibuild runs go).</summary>
    private static (string Os, string Arch) HostPlatform() =>
        ("linux", RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "armv6l",
            Architecture.X86 => "386",
            var other => other.ToString().ToLowerInvariant(),
        });
}
