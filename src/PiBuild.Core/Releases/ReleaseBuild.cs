using PiBuild.Core.Archives;
using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Digests;
using PiBuild.Core.FileSystem;
using PiBuild.Core.Go;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases.Debian;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Releases;

/// <summary>What <c>pibuild release</c> was asked for: the boards (none: pibuild.yaml's), the version (or a snapshot), where it goes; cgo, sysroots and go build's flags as for cross.</summary>
public sealed record ReleaseRequest(
    IReadOnlyList<string> Targets,
    string? Version,
    bool Snapshot,
    string OutputDirectory,
    bool Clean,
    ShardInfo? Shard,
    bool Deb = false,
    bool Cgo = false,
    IReadOnlyList<string>? Sysroots = null,
    IReadOnlyList<string>? GoFlags = null);

/// <summary>
/// A release, decided before anything is built: its version and commit, where it goes, the groups of boards that share
/// a build (and the shard's share of them), the Debian packages, the files beside the binaries and go's flags.
/// </summary>
/// <param name="Builds">The groups this run builds: its share, less those only a package of another shard would hold.</param>
internal sealed record ReleasePlan(
    ReleaseSource Source,
    string Output,
    string ProjectName,
    ShardInfo? Shard,
    IReadOnlyList<ReleaseGroup> Builds,
    bool TarGz,
    IReadOnlyList<DebianPackagePlan> Debs,
    IReadOnlyList<ArchiveEntry> Extras,
    CrossBuildRequest Build);

internal static class ReleasePlanner
{
    /// <summary>Plans the release of the session's boards; every file and setting is checked here, before a build.</summary>
    public static async Task<ReleasePlan> PlanAsync(BuildSession session, ReleaseRequest request, ProjectConfig config, Func<string, string?> getVariable, ProcessRunner runner, bool verbose, CancellationToken cancellationToken)
    {
        var project = session.Project;
        var output = Path.GetFullPath(request.OutputDirectory);
        var source = await ReleaseVersion.ResolveAsync(project.Root, request.Version, request.Snapshot, getVariable, runner, cancellationToken, output).ConfigureAwait(false);
        ReleaseOutput.CheckReplaceable(output, request.Clean);

        // Shards split the archives in name order, so every machine of a CI matrix agrees on its share.
        var projectName = config.Project ?? project.Name;
        var boards = session.Groups(session.Targets.OrderBy(t => t.Name, StringComparer.Ordinal));
        var all = ReleaseGroup.Of(boards, session.Toolchain.Version.KnowsGoArm64, config.ArchiveTemplate ?? ProjectConfig.DefaultArchiveTemplate, projectName, source.Version);
        var share = request.Shard is { } shard ? all.Where((_, i) => i % shard.Count == shard.Index - 1).ToArray() : all;

        // Debian packages are planned (and their files checked) before anything is built; each is made by the shard
        // that builds the group it holds.
        var formats = request.Deb ? config.Formats.Append(ProjectConfig.DebFormat).Distinct().ToArray() : config.Formats;
        var debs = formats.Contains(ProjectConfig.DebFormat) ? PlanDebs(session, all, config, projectName, source.Version) : [];
        var tarGz = formats.Contains(ProjectConfig.TarGzFormat);
        var ours = debs.Where(d => share.Contains(d.From)).ToArray();
        var builds = tarGz ? share : share.Where(g => ours.Any(d => d.From == g)).ToArray();

        // The binaries go to the staging directory's .bin/, known once the build runs.
        var build = new CrossBuildRequest(config.Commands, OutputRoot: null, verbose, session.Flags.Arguments(source.Version, source.Commit));
        return new ReleasePlan(source, output, projectName, request.Shard, builds, tarGz, ours, ExtraFiles(project, config), build);
    }

    private static IReadOnlyList<DebianPackagePlan> PlanDebs(BuildSession session, IReadOnlyList<ReleaseGroup> groups, ProjectConfig config, string projectName, string version)
    {
        var deb = config.Deb ?? throw new ConfigurationException(
            $"release --deb needs a 'deb:' section in {ProjectConfig.FileName} with the package's maintainer (deb: {{maintainer: \"Jane Doe <jane@example.com>\"}})");
        deb.CheckFiles(session.Project.Root);
        var plans = DebianPackagePlan.For(groups, deb, projectName, version);
        if (plans.Count > 0 && deb.Description is { } description && description.StartsWith(plans[0].Package, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException(
                $"deb.description '{description}' starts with the package's name '{plans[0].Package}', which Debian refuses (lintian: description-starts-with-package); say what it does, e.g. \"Sensor readings for the Raspberry Pi\"");
        }

        foreach (var plan in plans)
        {
            if (session.CToolchain(plan.From.Builder) is { } c)
            {
                DebianShlibs.CheckCanResolve(plan.Architecture, c.Sysroot, deb.Depends);
            }
        }

        return plans;
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

        return ReleaseBuild.RootDocuments(project, "README", "LICENSE")
            .Select(p => new ArchiveEntry(Path.GetFileName(p), p, Executable: false))
            .ToArray();
    }
}

/// <summary>
/// Release artifacts for CI: every command for every group of boards (the cross build, verified for each board), one
/// reproducible <c>.tar.gz</c> per group and the planned <c>.deb</c> files, <c>SHA256SUMS</c> and <c>manifest.json</c>.
/// Everything is written to a staging sibling of the output directory and renamed into place only when complete.
/// With a shard, only that share is built and a partial manifest written, for <see cref="ReleaseMerge"/>.
/// </summary>
internal sealed class ReleaseBuild(ProcessRunner runner, IPipelineEvents events, bool verbose)
{
    public async Task<ReleaseManifest> RunAsync(BuildSession session, ReleasePlan plan, DebPackageConfig? deb, CancellationToken cancellationToken)
    {
        using var staging = ReleaseOutput.Stage(plan.Output);
        var artifacts = plan.Builds.Count == 0 ? [] : await BuildAndPackAsync(session, plan, deb, staging.Path, cancellationToken).ConfigureAwait(false);
        var manifest = new ReleaseManifest(plan.ProjectName, plan.Source.Version, plan.Source.Commit, session.Toolchain.Version.Text, plan.Source.SourceDateEpoch, plan.Shard, artifacts);
        await ReleaseOutput.WriteIndexFilesAsync(staging.Path, manifest, cancellationToken).ConfigureAwait(false);
        staging.ReplaceDirectory(plan.Output);
        return manifest;
    }

    /// <summary>Files at the project's root whose names start with one of <paramref name="prefixes"/> (any case), in name order.</summary>
    internal static IEnumerable<string> RootDocuments(GoProject project, params string[] prefixes) =>
        Directory.EnumerateFiles(project.Root)
            .Where(p => prefixes.Any(prefix => Path.GetFileName(p).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal);

    /// <summary>One build per group (its first board's), verified for every board of the group, packed into its artifacts.</summary>
    private async Task<IReadOnlyList<ReleaseArtifact>> BuildAndPackAsync(BuildSession session, ReleasePlan plan, DebPackageConfig? deb, string staging, CancellationToken cancellationToken)
    {
        var binaries = Path.Combine(staging, ".bin");
        var (build, results) = await CrossBuild.BuildAndVerifyAsync(session, plan.Build with { OutputRoot = binaries }, plan.Builds.Select(g => new BuildFor(g.Builder, g.Boards)).ToArray(),
            runner, events, verbose, cancellationToken).ConfigureAwait(false);
        var packing = new Packing(staging, plan.Source, plan.Extras, deb,
            new DebianPackageContent(RootDocuments(session.Project, "LICENSE", "COPYING").FirstOrDefault(), session.Project.Root, plan.ProjectName));
        var cSides = new CSideCache(runner);
        var artifacts = new List<ReleaseArtifact>();
        foreach (var (group, (result, planned)) in plan.Builds.Zip(results.Zip(build.Builds)))
        {
            var toolchain = session.Toolchain.Version.Text;
            var released = await ReleasedBinariesAsync(result, cancellationToken).ConfigureAwait(false);
            var cSide = await cSides.OfAsync(planned, result, cancellationToken).ConfigureAwait(false);
            if (plan.TarGz)
            {
                artifacts.Add(await packing.ArchiveAsync(group, result, released, cancellationToken).ConfigureAwait(false) with
                {
                    Cgo = cSide.Cgo, CCompiler = cSide.Compiler, SysrootSha256 = cSide.Sysroot,
                });
            }

            foreach (var package in plan.Debs.Where(d => d.From == group))
            {
                // The package goes out labelled for every board of its architecture: each must run these binaries.
                CrossBuild.VerifyForEveryBoard(package.Boards, result, toolchain, VerificationRules.RunsOnEveryLevelAbove);
                artifacts.Add(await packing.DebAsync(package, result, released, planned.Cgo?.Sysroot, cancellationToken).ConfigureAwait(false) with
                {
                    Cgo = cSide.Cgo, CCompiler = cSide.Compiler, SysrootSha256 = cSide.Sysroot,
                });
            }
        }

        Directory.Delete(binaries, recursive: true);
        return artifacts;
    }

    /// <summary>Where and from what the artifacts are written.</summary>
    private sealed record Packing(string Staging, ReleaseSource Source, IReadOnlyList<ArchiveEntry> Extras, DebPackageConfig? Deb, DebianPackageContent DebContent)
    {
        public async Task<ReleaseArtifact> ArchiveAsync(ReleaseGroup group, TargetBuildResult result, IReadOnlyList<ReleasedBinary> binaries, CancellationToken cancellationToken)
        {
            var archive = Path.Combine(Staging, group.FileName);
            var entries = result.Binaries.Select(b => new ArchiveEntry(Path.GetFileName(b.Path), b.Path, Executable: true)).Concat(Extras);
            ReproducibleArchive.Write(archive, entries, Source.SourceDateEpoch);
            return await ArtifactAsync(archive, group.Boards, group.Builder, binaries, null, cancellationToken).ConfigureAwait(false);
        }

        /// <param name="sysroot">The cgo build's sysroot, whose dpkg data says which packages hold the libraries it links.</param>
        public async Task<ReleaseArtifact> DebAsync(DebianPackagePlan package, TargetBuildResult result, IReadOnlyList<ReleasedBinary> binaries, string? sysroot, CancellationToken cancellationToken)
        {
            var path = Path.Combine(Staging, package.FileName);
            var libraries = DebianShlibs.DependsOf(result.Binaries.Select(b => (Path.GetFileName(b.Path), b.Needs)).ToArray(), sysroot, package.Architecture, Deb!.Depends);
            DebianPackageWriter.Write(path, package, Deb, result.Binaries.Select(b => b.Path).ToArray(), DebContent, Source.SourceDateEpoch, libraries);
            return await ArtifactAsync(path, package.Boards, package.From.Builder, binaries, package.Architecture, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What the manifest says of a build's C side.</summary>
    private sealed record CSide(bool Cgo, string? Compiler, string? Sysroot);

    /// <summary>Each build's C side; a compiler's version and a sysroot's digest are asked for once however many builds share them.</summary>
    private sealed class CSideCache(ProcessRunner runner)
    {
        private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _digests = new(StringComparer.Ordinal);

        public async Task<CSide> OfAsync(TargetBuild build, TargetBuildResult result, CancellationToken cancellationToken)
        {
            // What the binaries record, not what was asked: cgo on for a board whose profile turns it off says false.
            var cgo = result.Binaries.Count > 0 && result.Binaries.All(b => b.Cgo);
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

    /// <summary>The binaries as the manifest lists them, each hashed once however many artifacts hold it.</summary>
    private static async Task<IReadOnlyList<ReleasedBinary>> ReleasedBinariesAsync(TargetBuildResult result, CancellationToken cancellationToken)
    {
        var binaries = new List<ReleasedBinary>();
        foreach (var binary in result.Binaries)
        {
            binaries.Add(new ReleasedBinary(Path.GetFileName(binary.Path), binary.Size,
                await Sha256Hex.OfFileAsync(binary.Path, cancellationToken).ConfigureAwait(false), binary.GoArm, binary.GoArm64));
        }

        return binaries;
    }

    /// <summary>An archive or package written at <paramref name="path"/>, for the boards it is labelled for.</summary>
    private static async Task<ReleaseArtifact> ArtifactAsync(
        string path, IReadOnlyList<TargetProfile> boards, TargetProfile builder, IReadOnlyList<ReleasedBinary> binaries, string? debArchitecture, CancellationToken cancellationToken) =>

        // The level as the binaries record it, not as the profile asked: the manifest reports what was built.
        new(Path.GetFileName(path),
            boards.OrderBy(b => b.Name, StringComparer.Ordinal).Select(b => new ReleasedTarget(b.Name, b.Board, b.Fingerprint())).ToArray(),
            builder.GoOs, builder.GoArch, binaries.Select(b => b.GoArm).Distinct().SingleOrDefault(), binaries.Select(b => b.GoArm64).Distinct().SingleOrDefault(),
            new FileInfo(path).Length, await Sha256Hex.OfFileAsync(path, cancellationToken).ConfigureAwait(false), binaries, debArchitecture);
}
