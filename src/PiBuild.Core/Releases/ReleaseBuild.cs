using PiBuild.Core.Builds;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Releases;

/// <summary>What <c>pibuild release</c> was asked for: the boards (none: pibuild.yaml's), the version (or a snapshot), where it goes.</summary>
public sealed record ReleaseRequest(
    IReadOnlyList<string> Targets,
    string? Version,
    bool Snapshot,
    string OutputDirectory,
    bool Clean,
    ShardInfo? Shard);

/// <summary>
/// Release artifacts for CI: every command for every target (the cross build, verified), one reproducible
/// <c>.tar.gz</c> per target, <c>SHA256SUMS</c> and <c>manifest.json</c>. Everything is written to a staging
/// sibling of the output directory and renamed into place only when complete. With a shard, only that share
/// of the targets is built and a partial manifest written, for <see cref="ReleaseMerge"/>.
/// </summary>
internal sealed class ReleaseBuild(ProcessRunner runner, PiBuildPaths paths, Func<string, string?> getVariable)
{
    public async Task<ReleaseManifest> RunAsync(
        IReadOnlyList<TargetProfile> targets,
        ReleaseRequest request,
        GoProject project,
        GoToolchain toolchain,
        ProjectConfig config,
        ProcessOutput? toolOutput,
        CancellationToken cancellationToken)
    {
        var source = await ReleaseVersion.ResolveAsync(project.Root, request.Version, request.Snapshot, getVariable, runner, cancellationToken).ConfigureAwait(false);
        var output = Path.GetFullPath(request.OutputDirectory);
        ReleaseOutput.CheckReplaceable(output, request.Clean);

        // Shards split the targets in name order, so every machine of a CI matrix agrees on its share.
        var ordered = targets.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var share = request.Shard is { } shard ? ordered.Where((_, i) => i % shard.Count == shard.Index - 1).ToArray() : ordered;
        var projectName = config.Project ?? project.Name;
        var names = ArchiveNames(ordered, config.ArchiveTemplate ?? ProjectConfig.DefaultArchiveTemplate, projectName, source.Version);

        using var staging = ReleaseOutput.Stage(output);
        var artifacts = share.Length == 0
            ? []
            : await BuildAndPackAsync(share, project, toolchain, config, source, names, staging.Path, toolOutput, cancellationToken).ConfigureAwait(false);
        var manifest = new ReleaseManifest(projectName, source.Version, source.Commit, toolchain.Version.Text, source.SourceDateEpoch, request.Shard, artifacts);
        await ReleaseOutput.WriteIndexFilesAsync(staging.Path, manifest, cancellationToken).ConfigureAwait(false);
        staging.ReplaceDirectory(output);
        return manifest;
    }

    private async Task<IReadOnlyList<ReleaseArtifact>> BuildAndPackAsync(
        IReadOnlyList<TargetProfile> targets,
        GoProject project,
        GoToolchain toolchain,
        ProjectConfig config,
        ReleaseSource source,
        IReadOnlyDictionary<string, string> names,
        string staging,
        ProcessOutput? toolOutput,
        CancellationToken cancellationToken)
    {
        var ldflags = "-buildid=" + (config.LdFlags is { } user
            ? " " + user.Replace("{version}", source.Version, StringComparison.Ordinal).Replace("{commit}", source.Commit, StringComparison.Ordinal)
            : "");
        var binaries = Path.Combine(staging, ".bin");
        var build = new CrossBuildRequest(targets, config.Commands, binaries, StreamToolOutput: toolOutput is not null, ["-trimpath", "-ldflags", ldflags]);
        var plan = CrossBuildPlanner.Plan(build, project, toolchain, paths);
        var results = await new CrossBuild(runner).RunAsync(plan, toolOutput, cancellationToken, CrossBuild.DefaultParallelism()).ConfigureAwait(false);
        var extras = ExtraFiles(project, config);
        var artifacts = new List<ReleaseArtifact>();
        foreach (var result in results)
        {
            artifacts.Add(await PackAsync(result, names[result.Target.Name], extras, staging, source, cancellationToken).ConfigureAwait(false));
        }

        Directory.Delete(binaries, recursive: true);
        return artifacts;
    }

    /// <summary>
    /// <c>linux_armv6</c> for a Pi 1, <c>linux_armv7</c> for a Pi 2; the board's own name where two selected boards
    /// would share one, so no archive overwrites another.
    /// </summary>
    private static Dictionary<string, string> ArchiveNames(IReadOnlyList<TargetProfile> targets, string template, string project, string version)
    {
        static string Arch(TargetProfile t) => t.GoArm is { } arm ? $"armv{arm.Level}" : t.GoArch;
        var shared = targets.GroupBy(t => (t.GoOs, Arch(t))).Where(g => g.Count() > 1).SelectMany(g => g).Select(t => t.Name).ToHashSet();
        return targets.ToDictionary(t => t.Name, t => template
            .Replace("{project}", project, StringComparison.Ordinal)
            .Replace("{version}", version, StringComparison.Ordinal)
            .Replace("{os}", t.GoOs, StringComparison.Ordinal)
            .Replace("{arch}", shared.Contains(t.Name) ? t.Name : Arch(t), StringComparison.Ordinal)
            .Replace("{target}", t.Name, StringComparison.Ordinal) + ".tar.gz");
    }

    /// <summary>The project's README and LICENSE (any extension), or the files <c>pibuild.yaml</c> names.</summary>
    private static IReadOnlyList<ArchiveEntry> ExtraFiles(GoProject project, ProjectConfig config)
    {
        if (config.Files is { } named)
        {
            return named.Select(f =>
            {
                var path = Path.Combine(project.Root, f);
                return File.Exists(path)
                    ? new ArchiveEntry(Path.GetFileName(f), path, Executable: false)
                    : throw new ConfigurationException($"{Path.Combine(project.Root, ProjectConfig.FileName)}: file '{f}' listed in 'files' does not exist");
            }).ToArray();
        }

        return Directory.EnumerateFiles(project.Root)
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("README", StringComparison.OrdinalIgnoreCase) || n.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase)))
            .Select(p => new ArchiveEntry(Path.GetFileName(p), p, Executable: false))
            .ToArray();
    }

    private static async Task<ReleaseArtifact> PackAsync(
        TargetBuildResult result,
        string fileName,
        IReadOnlyList<ArchiveEntry> extras,
        string staging,
        ReleaseSource source,
        CancellationToken cancellationToken)
    {
        var binaries = new List<ReleasedBinary>();
        foreach (var binary in result.Binaries)
        {
            binaries.Add(new ReleasedBinary(Path.GetFileName(binary.Path), binary.Size,
                await Sha256Hex.OfFileAsync(binary.Path, cancellationToken).ConfigureAwait(false), binary.GoArm));
        }

        var archive = Path.Combine(staging, fileName);
        var entries = result.Binaries.Select(b => new ArchiveEntry(Path.GetFileName(b.Path), b.Path, Executable: true)).Concat(extras);
        ReproducibleArchive.Write(archive, entries, source.SourceDateEpoch);
        var target = result.Target;

        // GOARM as the binaries record it, not as the profile asked: the manifest reports what was built.
        var goarm = binaries.Select(b => b.GoArm).Distinct().SingleOrDefault();
        return new ReleaseArtifact(fileName, target.Name, target.Board, target.GoOs, target.GoArch, goarm, target.Fingerprint(),
            new FileInfo(archive).Length, await Sha256Hex.OfFileAsync(archive, cancellationToken).ConfigureAwait(false), binaries);
    }
}
