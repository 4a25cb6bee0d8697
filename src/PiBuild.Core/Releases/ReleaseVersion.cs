using System.Globalization;
using PiBuild.Core.Processes;

namespace PiBuild.Core.Releases;

/// <summary>What a release is of: its version, commit and the source date that fixes every timestamp.</summary>
public sealed record ReleaseSource(string Version, string Commit, long SourceDateEpoch);

/// <summary>
/// Reads version, commit and date from git, as goreleaser does: the version is the tag on HEAD (without its
/// "v"), and a tree with uncommitted changes is not a release. <c>--snapshot</c> makes a clearly marked
/// version for any state; <c>SOURCE_DATE_EPOCH</c> overrides the commit time.
/// </summary>
public static class ReleaseVersion
{
    public static async Task<ReleaseSource> ResolveAsync(
        string projectRoot,
        string? version,
        bool snapshot,
        Func<string, string?> getVariable,
        ProcessRunner runner,
        CancellationToken cancellationToken)
    {
        async Task<string?> Git(params string[] args)
        {
            try
            {
                var result = await runner.RunAsync(new ProcessSpec("git", ["-C", projectRoot, .. args], projectRoot, new Dictionary<string, string?>()),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return result.Succeeded ? result.StandardOutput.Trim() : null;
            }
            catch (ConfigurationException)
            {
                return null; // git is not installed: the project is treated as not under version control
            }
        }

        var commit = await Git("rev-parse", "HEAD").ConfigureAwait(false);
        var dirty = commit is not null && (await Git("status", "--porcelain", "--untracked-files=no").ConfigureAwait(false) ?? "").Length > 0;
        var tag = commit is null ? null : await Git("describe", "--tags", "--exact-match", "HEAD").ConfigureAwait(false);

        if (dirty && !snapshot)
        {
            throw new ConfigurationException($"{projectRoot} has uncommitted changes, so a release could not be rebuilt from its commit; commit them, or pass --snapshot for a test build");
        }

        if (snapshot)
        {
            var latest = commit is null ? null : await Git("describe", "--tags", "--abbrev=0").ConfigureAwait(false);
            version = $"{(version ?? latest ?? "0.0.0").TrimStart('v')}-SNAPSHOT-{(commit is null ? "none" : commit[..12])}";
        }
        else if (version is null)
        {
            version = tag?.TrimStart('v') ?? throw new ConfigurationException(
                commit is null
                    ? $"{projectRoot} is not a git checkout, so there is no tag to take the version from; pass --version V (or --snapshot)"
                    : "HEAD has no tag, so there is no release version; tag it (git tag v1.0.0), pass --version V, or --snapshot");
        }

        if (version.Length == 0 || version.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            throw new ConfigurationException($"'{version}' cannot be a version in file names; use something like 1.2.3");
        }

        long epoch;
        if (getVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } fixedDate)
        {
            epoch = long.TryParse(fixedDate, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ConfigurationException($"SOURCE_DATE_EPOCH='{fixedDate}' is not a number of seconds since 1970");
        }
        else
        {
            epoch = long.TryParse(commit is null ? null : await Git("log", "-1", "--format=%ct").ConfigureAwait(false), NumberStyles.None, CultureInfo.InvariantCulture, out var committed)
                ? committed
                : 0;
        }

        return new ReleaseSource(version, commit ?? "", epoch);
    }
}
