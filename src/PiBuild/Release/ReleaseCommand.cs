using System.CommandLine;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Releases;

namespace PiBuild.Cli.Release;

/// <summary>
/// <c>pibuild release [--target …] [--version V] [-o dist] [--snapshot] [--clean] [--shard I/N]</c> and
/// <c>pibuild release merge DIR... -o dist</c>: reproducible release artifacts for CI.
/// </summary>
internal static class ReleaseCommand
{
    private static readonly Option<string?> Version = new("--version") { Description = "The release version (default: the tag on HEAD)", HelpName = "V" };
    private static readonly Option<bool> Snapshot = new("--snapshot") { Description = "A test release of any tree: version <last tag>-SNAPSHOT-<commit>" };
    private static readonly Option<string> Output = new("--output", "-o") { Description = "The release directory", HelpName = "DIR", DefaultValueFactory = _ => "dist" };
    private static readonly Option<bool> Clean = new("--clean") { Description = "Replace an earlier release in the output directory" };
    private static readonly Option<string?> Shard = new("--shard") { Description = "Build only share I of N of the targets (for a CI matrix)", HelpName = "I/N" };
    private static readonly Option<bool> Deb = new("--deb") { Description = "Also build Debian packages (armhf, arm64) from pibuild.yaml's deb: section" };
    private static readonly Argument<string[]> GoBuildFlags = new("GO_BUILD_FLAGS")
    {
        Description = "After --, go build's flags (-gcflags, -race …); a release always trims paths and strips symbols",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Argument<string[]> ShardDirectories = new("DIR") { Description = "Output directories of release --shard runs", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var merge = new Command("merge", "Join the outputs of release --shard I/N into one release (checksums and manifest)") { ShardDirectories, Output, Clean };
        merge.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new ReleaseMergeRequest(parseResult.GetValue(ShardDirectories) ?? [], parseResult.GetRequiredValue(Output), parseResult.GetValue(Clean));
            Render(context, await Workspace.MergeReleaseAsync(request, cancellationToken).ConfigureAwait(false), request.OutputDirectory);
            return ExitCodes.Ok;
        });

        var release = new Command("release", "Build release archives for every target: reproducible .tar.gz, SHA256SUMS, manifest.json")
        {
            SharedOptions.Target, SharedOptions.Go, SharedOptions.GoIndex, SharedOptions.Cgo, SharedOptions.Sysroot, SharedOptions.Tags, SharedOptions.LdFlags,
            Version, Snapshot, Output, Clean, Shard, Deb, GoBuildFlags, merge,
        };
        release.SetHandler(async (context, parseResult, cancellationToken) =>
        {
            var request = new ReleaseRequest(
                parseResult.GetValue(SharedOptions.Target) ?? [], parseResult.GetValue(Version), parseResult.GetValue(Snapshot),
                parseResult.GetRequiredValue(Output), parseResult.GetValue(Clean), parseResult.GetValue(Shard) is { } shard ? ShardInfo.Parse(shard) : null,
                parseResult.GetValue(Deb), parseResult.GetValue(SharedOptions.Cgo), parseResult.GetValue(SharedOptions.Sysroot),
                SharedOptions.GoFlags(parseResult, parseResult.GetValue(GoBuildFlags) ?? []));
            Render(context, await context.Workspace.ReleaseAsync(request, cancellationToken).ConfigureAwait(false), request.OutputDirectory);
            return ExitCodes.Ok;
        });
        return release;
    }

    private static void Render(CliContext context, ReleaseManifest manifest, string outputDirectory)
    {
        if (context.Json)
        {
            context.Out.Write(manifest.ToJson());
            return;
        }

        var output = Path.GetFullPath(outputDirectory);
        foreach (var artifact in manifest.Artifacts)
        {
            var arch = artifact.BuiltFor;
            if (artifact.DebArchitecture is { } debArch)
            {
                arch = $"{debArch} ({arch})";
            }

            if (artifact.Cgo)
            {
                arch += " cgo";
            }

            var targets = string.Join(",", artifact.Targets.Select(t => t.Name));
            context.Print($"{targets,-6} {CliContext.Display(Path.Combine(output, artifact.File))}  {ByteSize.Format(artifact.Size)}  {arch}  {artifact.Binaries.Count} command(s)  sha256 {artifact.Sha256[..16]}…");
        }

        context.Print(manifest.Shard is { } shard
            ? $"shard {shard.Index}/{shard.Count} of {manifest.Project} {manifest.Version} in {CliContext.Display(output)}; join the shards with: pibuild release merge DIR... -o dist"
            : $"{manifest.Project} {manifest.Version}: {manifest.Artifacts.Count} artifact(s), SHA256SUMS and manifest.json in {CliContext.Display(output)}");
    }
}
