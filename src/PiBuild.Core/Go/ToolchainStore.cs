using PiBuild.Core.Archives;
using PiBuild.Core.Fetching;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Go;

/// <summary>
/// A Go release pibuild fetched (<paramref name="Version"/> as <c>go version</c> names it): where it is, how much disk
/// it takes, when a build last used it.
/// </summary>
public sealed record CachedToolchain(string Version, string Directory, long Bytes, DateTime LastUsedUtc);

/// <summary>
/// Go releases fetched for this machine, one directory each (<c>&lt;cache&gt;/toolchains/go1.23.5/</c>), never a system
/// location. A release is installed under a lock (two pibuild processes wanting it share one download and one
/// unpack), unpacked beside its place and renamed into it, and counts as installed only once its own
/// <c>bin/go version</c> has said it is the release asked for. A stamp beside it records when it was last used.
/// </summary>
internal sealed class ToolchainStore(PiBuildPaths paths)
{
    private const string StampSuffix = ".last-used";

    public string Root => Path.Combine(paths.CacheDirectory, "toolchains");

    public string GoExecutable(GoVersion version) => Path.Combine(Directory(version), "bin", "go");

    public bool IsInstalled(GoVersion version) => File.Exists(Stamp(version)) && File.Exists(GoExecutable(version));

    public IReadOnlyList<CachedToolchain> List() => Installed().Select(Entry).ToArray();

    private CachedToolchain Entry(GoVersion version) =>
        new(version.Text, Directory(version), SizeOf(Directory(version)), File.GetLastWriteTimeUtc(Stamp(version)));

    /// <summary>The installed releases, newest first (a directory whose name is not exactly a release's is not one).</summary>
    public IEnumerable<GoVersion> Installed() => !System.IO.Directory.Exists(Root)
        ? []
        : System.IO.Directory.EnumerateDirectories(Root, "go*")
            .Select(d => GoVersion.TryParse(Path.GetFileName(d), out var v) && v!.Text == Path.GetFileName(d) ? v : null)
            .OfType<GoVersion>()
            .Where(IsInstalled)
            .OrderDescending();

    /// <summary>The newest installed release of a line (1.23 → the newest cached 1.23.x), for offline use.</summary>
    public GoVersion? NewestOf(GoVersion language) =>
        Installed().Where(v => v.Prerelease is null && v.Major == language.Major && v.Minor == language.Minor).Max();

    public void MarkUsed(GoVersion version)
    {
        var stamp = Stamp(version);
        if (File.Exists(stamp))
        {
            File.SetLastWriteTimeUtc(stamp, DateTime.UtcNow);
        }
        else
        {
            File.WriteAllText(stamp, "");
        }
    }

    /// <summary>Downloads (or finds in the store) the release's archive, unpacks it into its place and proves what it is.</summary>
    public async Task InstallAsync(GoVersion version, string url, string sha256, Fetcher fetcher, ProcessRunner runner, IProgress<FetchProgress>? progress, CancellationToken cancellationToken)
    {
        WritableDirectory.Ensure(Root, "the toolchain cache", "set PIBUILD_CACHE_DIR or XDG_CACHE_HOME to a writable directory");
        using var held = await fetcher.Store.LockAsync($"toolchain-{version.Text}", cancellationToken).ConfigureAwait(false);
        if (IsInstalled(version))
        {
            return;
        }

        var fetched = await fetcher.FetchAsync(new FetchRequest(url, sha256), progress, cancellationToken).ConfigureAwait(false);
        var directory = Directory(version);

        // A tree left by an earlier run that did not get as far as proving itself is not trusted.
        StagingDirectory.Remove(directory);
        await SafeExtractor.ExtractAsync(fetched.Path, directory, new ExtractOptions(StripComponents: 1, DisplayName: fetched.Name), cancellationToken).ConfigureAwait(false);
        var reported = await ReportedVersionAsync(GoExecutable(version), runner, cancellationToken).ConfigureAwait(false);
        if (reported?.Text != version.Text)
        {
            StagingDirectory.Remove(directory);
            throw new WorkFailedException(
                $"{fetched.Name} holds {(reported is null ? "no working go" : reported.Text)}, not {version}; it was removed (check the index the download came from)");
        }

        MarkUsed(version);
    }

    /// <summary>Removes all but the <paramref name="keep"/> most recently used releases; returns what it removed.</summary>
    public IReadOnlyList<CachedToolchain> Prune(int keep)
    {
        var removed = Installed().Select(v => (Version: v, Entry: Entry(v))).OrderByDescending(t => t.Entry.LastUsedUtc).Skip(keep).ToArray();
        foreach (var (version, toolchain) in removed)
        {
            File.Delete(Stamp(version));
            StagingDirectory.Remove(toolchain.Directory);
        }

        return removed.Select(t => t.Entry).ToArray();
    }

    private static async Task<GoVersion?> ReportedVersionAsync(string go, ProcessRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(new ProcessSpec(go, ["version"], "/", GoEnvironment.Clean().Variables), cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Succeeded && GoVersion.TryParse(result.StandardOutput, out var version) ? version : null;
        }
        catch (ProgramNotStartedException)
        {
            return null;
        }
    }

    private string Directory(GoVersion version) => Path.Combine(Root, version.Text);

    private string Stamp(GoVersion version) => Path.Combine(Root, version.Text + StampSuffix);

    private static long SizeOf(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Sum(f => f.Length);
}
