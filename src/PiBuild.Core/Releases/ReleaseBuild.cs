using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Fetching;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases.Debian;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Releases;

/// <summary>What <c>pibuild release</c> was asked for: the boards (none: pibuild.yaml's), the version (or a snapshot), where it goes; cgo and sysroots as for cross.</summary>
public sealed record ReleaseRequest(
    IReadOnlyList<string> Targets,
    string? Version,
    bool Snapshot,
    string OutputDirectory,
    bool Clean,
    ShardInfo? Shard,
    bool Deb = false,
    bool Cgo = false,
    IReadOnlyList<string>? Sysroots = null);

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
        CgoOptions cgo,
        IPipelineEvents events,
        bool verbose,
        CancellationToken cancellationToken)
    {
        var source = await ReleaseVersion.ResolveAsync(project.Root, request.Version, request.Snapshot, getVariable, runner, cancellationToken).ConfigureAwait(false);
        var output = Path.GetFullPath(request.OutputDirectory);
        ReleaseOutput.CheckReplaceable(output, request.Clean);

        // Shards split the archives in name order, so every machine of a CI matrix agrees on its share.
        var projectName = config.Project ?? project.Name;
        var all = ReleaseGroup.Of(targets, toolchain.Version, config.ArchiveTemplate ?? ProjectConfig.DefaultArchiveTemplate, projectName, source.Version, cgo.SysrootFor);
        var share = request.Shard is { } shard ? all.Where((_, i) => i % shard.Count == shard.Index - 1).ToArray() : all;

        // Debian packages are planned (and their files checked) before anything is built; each is made by the shard
        // that builds the group it holds.
        var formats = request.Deb ? config.Formats.Append(ProjectConfig.DebFormat).Distinct().ToArray() : config.Formats;
        var debs = formats.Contains(ProjectConfig.DebFormat) ? PlanDebs(all, config, project, projectName, source.Version) : [];
        var release = new ReleaseContents(formats.Contains(ProjectConfig.TarGzFormat), debs.Where(d => share.Contains(d.From)).ToArray());

        using var staging = ReleaseOutput.Stage(output);
        var groups = release.TarGz ? share : share.Where(g => release.Debs.Any(d => d.From == g)).ToArray();
        var artifacts = groups.Count == 0
            ? []
            : await BuildAndPackAsync(groups, release, project, toolchain, config, cgo, source, staging.Path, events, verbose, cancellationToken).ConfigureAwait(false);
        var manifest = new ReleaseManifest(projectName, source.Version, source.Commit, toolchain.Version.Text, source.SourceDateEpoch, request.Shard, artifacts);
        await ReleaseOutput.WriteIndexFilesAsync(staging.Path, manifest, cancellationToken).ConfigureAwait(false);
        staging.ReplaceDirectory(output);
        return manifest;
    }

    /// <summary>What a release writes: a .tar.gz per group (unless only packages were asked for), and its .deb files.</summary>
    private sealed record ReleaseContents(bool TarGz, IReadOnlyList<DebianPackagePlan> Debs);

    private static IReadOnlyList<DebianPackagePlan> PlanDebs(IReadOnlyList<ReleaseGroup> groups, ProjectConfig config, GoProject project, string projectName, string version)
    {
        var deb = config.Deb ?? throw new ConfigurationException(
            $"release --deb needs a 'deb:' section in {ProjectConfig.FileName} with the package's maintainer (deb: {{maintainer: \"Jane Doe <jane@example.com>\"}})");
        deb.CheckFiles(project.Root);
        return DebianPackagePlan.For(groups, deb, projectName, version);
    }

    /// <summary>One build per group (its first board's), verified for every board of the group, packed into one archive.</summary>
    private async Task<IReadOnlyList<ReleaseArtifact>> BuildAndPackAsync(
        IReadOnlyList<ReleaseGroup> groups,
        ReleaseContents release,
        GoProject project,
        GoToolchain toolchain,
        ProjectConfig config,
        CgoOptions cgo,
        ReleaseSource source,
        string staging,
        IPipelineEvents events,
        bool verbose,
        CancellationToken cancellationToken)
    {
        var ldflags = "-buildid=" + (config.LdFlags is { } user
            ? " " + user.Replace("{version}", source.Version, StringComparison.Ordinal).Replace("{commit}", source.Commit, StringComparison.Ordinal)
            : "");
        // The extra files are checked first: a typo in pibuild.yaml should not wait for a build.
        var extras = ExtraFiles(project, config);
        var binaries = Path.Combine(staging, ".bin");
        var build = new CrossBuildRequest(groups.Select(g => g.Builder).ToArray(), config.Commands, binaries, StreamToolOutput: verbose, ["-trimpath", "-ldflags", ldflags], cgo);
        var plan = CrossBuildPlanner.Plan(build, project, toolchain, paths);
        var results = await new CrossBuild(runner).RunAsync(plan, events, verbose, cancellationToken, CrossBuild.DefaultParallelism()).ConfigureAwait(false);
        var debContent = new DebianPackageContent(RootDocuments(project, "LICENSE", "COPYING").FirstOrDefault(), project.Root, config.Project ?? project.Name);
        var cSides = new CSides(runner);
        var artifacts = new List<ReleaseArtifact>();
        foreach (var (group, (result, planned)) in groups.Zip(results.Zip(plan.Builds)))
        {
            VerifyForEveryBoard(group.Boards, result, toolchain);
            var released = await ReleasedBinariesAsync(result, cancellationToken).ConfigureAwait(false);
            var cSide = await cSides.OfAsync(planned, result, cancellationToken).ConfigureAwait(false);
            if (release.TarGz)
            {
                artifacts.Add(await PackAsync(group, result, released, extras, staging, source, cancellationToken).ConfigureAwait(false) with
                {
                    Cgo = cSide.Cgo, CCompiler = cSide.Compiler, SysrootSha256 = cSide.Sysroot,
                });
            }

            foreach (var deb in release.Debs.Where(d => d.From == group))
            {
                // The package goes out labelled for every board of its architecture: each must run these binaries.
                VerifyForEveryBoard(deb.Boards, result, toolchain, VerificationRules.RunsOnEveryLevelAbove);
                artifacts.Add(await PackDebAsync(deb, result, released, debContent, config.Deb!, staging, source, cancellationToken).ConfigureAwait(false) with
                {
                    Cgo = cSide.Cgo, CCompiler = cSide.Compiler, SysrootSha256 = cSide.Sysroot,
                });
            }
        }

        Directory.Delete(binaries, recursive: true);
        return artifacts;
    }

    /// <summary>What the manifest says of a build's C side.</summary>
    private sealed record CSide(bool Cgo, string? Compiler, string? Sysroot);

    /// <summary>Each build's C side; a compiler's version and a sysroot's digest are asked for once however many builds share them.</summary>
    private sealed class CSides(ProcessRunner runner)
    {
        private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _digests = new(StringComparer.Ordinal);

        public async Task<CSide> OfAsync(TargetBuild build, TargetBuildResult result, CancellationToken cancellationToken)
        {
            // What the binaries record, not what was asked: cgo on for a board whose profile turns it off says false.
            var cgo = result.Binaries.Count > 0 && result.Binaries.All(b => b.BuildInfo?.Setting("CGO_ENABLED") == "1");
            if (!cgo || build.Cgo is not { } c)
            {
                return new CSide(cgo, null, null);
            }

            if (!_versions.TryGetValue(c.CCompiler, out var version))
            {
                _versions[c.CCompiler] = version = await c.VersionAsync(runner, cancellationToken).ConfigureAwait(false);
            }

            string? digest = null;
            if (c.Sysroot is { } root && !_digests.TryGetValue(root, out digest))
            {
                _digests[root] = digest = await SysrootDigest.ComputeAsync(root, cancellationToken).ConfigureAwait(false);
            }

            return new CSide(true, version, digest);
        }
    }

    /// <summary>The group's build was verified for its first board; it goes out labelled for all of these, so each is checked.</summary>
    private static void VerifyForEveryBoard(IReadOnlyList<TargetProfile> boards, TargetBuildResult result, GoToolchain toolchain, VerificationRules? rules = null)
    {
        var rejected = boards.Where(b => b.Name != result.Target.Name)
            .SelectMany(board => result.Binaries.Select(b => (Board: board, Check: BinaryVerifier.Check(b.Path, board, toolchain.Version.Text, rules))))
            .Where(c => !c.Check.Passed)
            .ToArray();
        if (rejected.Length > 0)
        {
            throw new WorkFailedException(string.Join("; ", rejected.Select(r =>
                $"{Path.GetFileName(r.Check.Path)} for {r.Board.Name} failed verification: {string.Join(", ", r.Check.Problems)}")));
        }
    }

    /// <summary>The project's README and LICENSE (any extension), or the files <c>pibuild.yaml</c> names.</summary>
    private static IReadOnlyList<ArchiveEntry> ExtraFiles(GoProject project, ProjectConfig config)
    {
        if (config.Files is { } named)
        {
            var root = PosixFiles.RealPath(project.Root) ?? project.Root;
            return named.Select((f, i) =>
            {
                var path = Path.Combine(project.Root, f);
                if (PosixFiles.KindOf(path) != FileKind.Regular)
                {
                    throw new ConfigurationException($"{config.FileLocation(i)}: file '{f}' listed in 'files' does not exist (or is not a regular file)");
                }

                // A symlink in the project may lead anywhere; only what really lies inside it is released.
                return PosixFiles.RealPath(path) is { } real && real.StartsWith(root + "/", StringComparison.Ordinal)
                    ? new ArchiveEntry(Path.GetFileName(f), path, Executable: false)
                    : throw new ConfigurationException($"{config.FileLocation(i)}: file '{f}' listed in 'files' leads outside the project");
            }).ToArray();
        }

        return RootDocuments(project, "README", "LICENSE")
            .Select(p => new ArchiveEntry(Path.GetFileName(p), p, Executable: false))
            .ToArray();
    }

    private static async Task<ReleaseArtifact> PackDebAsync(
        DebianPackagePlan deb,
        TargetBuildResult result,
        IReadOnlyList<ReleasedBinary> binaries,
        DebianPackageContent content,
        DebPackageConfig config,
        string staging,
        ReleaseSource source,
        CancellationToken cancellationToken)
    {
        var path = Path.Combine(staging, deb.FileName);
        DebianPackageWriter.Write(path, deb, config, result.Binaries.Select(b => b.Path).ToArray(), content, source.SourceDateEpoch);
        return await ArtifactAsync(path, deb.Boards, deb.From.Builder, binaries, cancellationToken, deb.Architecture).ConfigureAwait(false);
    }

    private static async Task<ReleaseArtifact> PackAsync(
        ReleaseGroup group,
        TargetBuildResult result,
        IReadOnlyList<ReleasedBinary> binaries,
        IReadOnlyList<ArchiveEntry> extras,
        string staging,
        ReleaseSource source,
        CancellationToken cancellationToken)
    {
        var archive = Path.Combine(staging, group.FileName);
        var entries = result.Binaries.Select(b => new ArchiveEntry(Path.GetFileName(b.Path), b.Path, Executable: true)).Concat(extras);
        ReproducibleArchive.Write(archive, entries, source.SourceDateEpoch);
        return await ArtifactAsync(archive, group.Boards, group.Builder, binaries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The binaries as the manifest lists them, each hashed once however many artifacts hold it.</summary>
    private static async Task<IReadOnlyList<ReleasedBinary>> ReleasedBinariesAsync(TargetBuildResult result, CancellationToken cancellationToken)
    {
        var binaries = new List<ReleasedBinary>();
        foreach (var binary in result.Binaries)
        {
            binaries.Add(new ReleasedBinary(Path.GetFileName(binary.Path), binary.Size,
                await Sha256Hex.OfFileAsync(binary.Path, cancellationToken).ConfigureAwait(false), binary.GoArm, binary.BuildInfo?.Setting("GOARM64")));
        }

        return binaries;
    }

    /// <summary>An archive or package written at <paramref name="path"/>, for the boards it is labelled for.</summary>
    private static async Task<ReleaseArtifact> ArtifactAsync(
        string path, IReadOnlyList<TargetProfile> boards, TargetProfile builder, IReadOnlyList<ReleasedBinary> binaries, CancellationToken cancellationToken, string? debArchitecture = null) =>

        // The level as the binaries record it, not as the profile asked: the manifest reports what was built.
        new(Path.GetFileName(path),
            boards.OrderBy(b => b.Name, StringComparer.Ordinal).Select(b => new ReleasedTarget(b.Name, b.Board, b.Fingerprint())).ToArray(),
            builder.GoOs, builder.GoArch, binaries.Select(b => b.GoArm).Distinct().SingleOrDefault(), binaries.Select(b => b.GoArm64).Distinct().SingleOrDefault(),
            new FileInfo(path).Length, await Sha256Hex.OfFileAsync(path, cancellationToken).ConfigureAwait(false), binaries, debArchitecture);

    /// <summary>Files at the project's root whose names start with one of <paramref name="prefixes"/> (any case), in name order.</summary>
    private static IEnumerable<string> RootDocuments(GoProject project, params string[] prefixes) =>
        Directory.EnumerateFiles(project.Root)
            .Where(p => prefixes.Any(prefix => Path.GetFileName(p).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal);
}
