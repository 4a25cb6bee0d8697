using System.Globalization;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;

namespace PiBuild.Core.Releases;

/// <summary>
/// Reads version, commit and date from git, as goreleaser does: the version is the tag on HEAD (without its
/// "v"), and a tree with uncommitted changes is not a release. <c>--snapshot</c> makes a clearly marked
/// version for any state; <c>SOURCE_DATE_EPOCH</c> overrides the commit time.
/// </summary>
internal static class ReleaseVersion
{
    public static async Task<ReleaseSource> ResolveAsync(
        string projectRoot,
        string? version,
        bool snapshot,
        Func<string, string?> getVariable,
        ProcessRunner runner,
        CancellationToken cancellationToken,
        string? outputDirectory = null)
    {
        var git = new Git(runner, projectRoot, cancellationToken);
        var commit = await git.AskAsync("rev-parse", "HEAD").ConfigureAwait(false);
        var dirty = commit is not null && (await git.AskAsync("status", "--porcelain", "--untracked-files=no").ConfigureAwait(false) ?? "").Length > 0;
        if (dirty && !snapshot)
        {
            throw new ConfigurationException($"{projectRoot} has uncommitted changes, so a release could not be rebuilt from its commit; commit them, or pass --snapshot for a test build");
        }

        version = snapshot
            ? $"{(version ?? (commit is null ? null : await git.AskAsync("describe", "--tags", "--abbrev=0").ConfigureAwait(false)) ?? "0.0.0").TrimStart('v')}-SNAPSHOT-{(commit is null ? "none" : commit[..12])}"
            : version ?? await TagVersionAsync(git, projectRoot, commit).ConfigureAwait(false);
        if (version.Length == 0 || version.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\'))
        {
            throw new ConfigurationException($"'{version}' cannot be a version in file names; use something like 1.2.3");
        }

        return new ReleaseSource(version, commit ?? "", await SourceDateAsync(git, commit, getVariable).ConfigureAwait(false) ?? NewestSourceFile(projectRoot, outputDirectory));
    }

    /// <summary>
    /// The version and commit a development build's linker flags name: the tag on HEAD when the tree is clean, else a
    /// snapshot version (<c>1.2.0-SNAPSHOT-0123456789ab</c>), as <c>release --snapshot</c> would call it.
    /// </summary>
    public static async Task<ReleaseSource> DevelopmentAsync(string projectRoot, Func<string, string?> getVariable, ProcessRunner runner, CancellationToken cancellationToken)
    {
        var git = new Git(runner, projectRoot, cancellationToken);
        var tagged = await git.AskAsync("describe", "--tags", "--exact-match", "HEAD").ConfigureAwait(false) is not null
            && await git.AskAsync("status", "--porcelain", "--untracked-files=no").ConfigureAwait(false) is { Length: 0 };
        return await ResolveAsync(projectRoot, null, snapshot: !tagged, getVariable, runner, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> TagVersionAsync(Git git, string projectRoot, string? commit)
    {
        var tag = commit is null ? null : await git.AskAsync("describe", "--tags", "--exact-match", "HEAD").ConfigureAwait(false);
        return tag?.TrimStart('v') ?? throw new ConfigurationException(
            commit is null
                ? $"{projectRoot} is not a git checkout, so there is no tag to take the version from; pass --version V (or --snapshot)"
                : "HEAD has no tag, so there is no release version; tag it (git tag v1.0.0), pass --version V, or --snapshot");
    }

    /// <summary>SOURCE_DATE_EPOCH when set, else the commit's time: every timestamp in the release is this; null outside git.</summary>
    private static async Task<long?> SourceDateAsync(Git git, string? commit, Func<string, string?> getVariable)
    {
        if (getVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } fixedDate)
        {
            return long.TryParse(fixedDate, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ConfigurationException($"SOURCE_DATE_EPOCH='{fixedDate}' is not a number of seconds since 1970");
        }

        var committed = commit is null ? null : await git.AskAsync("log", "-1", "--format=%ct").ConfigureAwait(false);
        return long.TryParse(committed, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
    }

    /// <summary>
    /// Outside git, without SOURCE_DATE_EPOCH: the newest file of the project (not under a hidden directory, bin/ or
    /// the release's output), so the same tree dates its release the same, and no file is dated 1970, which Debian
    /// refuses as ancient.
    /// </summary>
    internal static long NewestSourceFile(string projectRoot, string? outputDirectory)
    {
        var skipped = outputDirectory is null ? null : Path.GetFullPath(outputDirectory);
        var newest = DateTime.MinValue;
        var pending = new Stack<string>([projectRoot]);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if (entry is FileInfo file)
                {
                    newest = file.LastWriteTimeUtc > newest ? file.LastWriteTimeUtc : newest;
                }
                else if (!entry.Name.StartsWith('.') && !(directory == projectRoot && entry.Name == "bin") && entry.FullName != skipped)
                {
                    pending.Push(entry.FullName);
                }
            }
        }

        return new DateTimeOffset(newest == DateTime.MinValue ? DateTime.UtcNow : newest).ToUnixTimeSeconds();
    }

    /// <summary>git in the project; null for a question git cannot answer (no repository, no tag, git not installed).</summary>
    private sealed class Git(ProcessRunner runner, string projectRoot, CancellationToken cancellationToken)
    {
        public async Task<string?> AskAsync(params string[] args)
        {
            try
            {
                var result = await runner.RunAsync(ProcessSpec.Plain("git", ["-C", projectRoot, .. args], projectRoot), cancellationToken: cancellationToken).ConfigureAwait(false);
                return result.Succeeded ? result.StandardOutput.Trim() : null;
            }
            catch (ProgramNotStartedException)
            {
                return null;
            }
        }
    }
}
