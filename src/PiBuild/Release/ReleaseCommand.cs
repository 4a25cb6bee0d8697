using System.CommandLine;
using System.Globalization;
using PiBuild.Cli.Common;
using PiBuild.Core;
using PiBuild.Core.Processes;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases;

namespace PiBuild.Cli.Release;

/// <summary>What <c>pibuild release</c> was asked for.</summary>
internal sealed record ReleaseCommandRequest(IReadOnlyList<string> Targets, string? Version, bool Snapshot, string Output, bool Clean, ShardInfo? Shard);

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
    private static readonly Argument<string[]> ShardDirectories = new("DIR") { Description = "Output directories of release --shard runs", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var merge = new Command("merge", "Join the outputs of release --shard I/N into one release (checksums and manifest)") { ShardDirectories, Output, Clean };
        merge.SetHandler(MergeAsync);

        var release = new Command("release", "Build release archives for every target: reproducible .tar.gz, SHA256SUMS, manifest.json")
        {
            GlobalOptions.Target, GlobalOptions.Go, Version, Snapshot, Output, Clean, Shard, merge,
        };
        release.SetHandler((context, parseResult, cancellationToken) => RunAsync(context, new ReleaseCommandRequest(
            parseResult.GetValue(GlobalOptions.Target) ?? [], parseResult.GetValue(Version), parseResult.GetValue(Snapshot),
            parseResult.GetRequiredValue(Output), parseResult.GetValue(Clean), ParseShard(parseResult.GetValue(Shard))), cancellationToken));
        return release;
    }

    private static async Task<int> RunAsync(CliContext context, ReleaseCommandRequest request, CancellationToken cancellationToken)
    {
        var project = GoProject.Detect(context.ProjectDirectory);
        var config = ReleaseConfig.Load(project.Root);
        var catalog = context.LoadCatalog();
        var targets = catalog.GetMany(request.Targets.Count > 0 ? request.Targets : config.Targets);
        var toolchain = await context.LocateGoAsync(cancellationToken).ConfigureAwait(false);
        var streaming = context.Verbose ? new ProcessOutput(context.Error.WriteLine, context.Error.WriteLine) : null;
        var manifest = await new Core.Releases.Release(context.Runner, context.Paths, context.GetVariable).RunAsync(
            new ReleaseRequest(targets, request.Version, request.Snapshot, request.Output, request.Clean, request.Shard, context.Verbose),
            project, toolchain, config, streaming, cancellationToken).ConfigureAwait(false);
        Report(context, manifest, Path.GetFullPath(request.Output));
        return ExitCodes.Ok;
    }

    private static async Task<int> MergeAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = parseResult.GetRequiredValue(Output);
        var manifest = await ReleaseMerge.MergeAsync(parseResult.GetValue(ShardDirectories) ?? [], output, parseResult.GetValue(Clean), cancellationToken).ConfigureAwait(false);
        Report(context, manifest, Path.GetFullPath(output));
        return ExitCodes.Ok;
    }

    private static void Report(CliContext context, ReleaseManifest manifest, string output)
    {
        if (context.Json)
        {
            context.Out.Write(manifest.ToJson());
            return;
        }

        foreach (var artifact in manifest.Artifacts.OrderBy(a => a.File, StringComparer.Ordinal))
        {
            var arch = artifact.GoArm is { } goarm ? $"GOARM={goarm}" : $"{artifact.GoOs}/{artifact.GoArch}";
            context.Say($"{artifact.Target,-6} {CliContext.Display(Path.Combine(output, artifact.File))}  {ByteSize.Format(artifact.Size)}  {arch}  {artifact.Binaries.Count} command(s)  sha256 {artifact.Sha256[..16]}…");
        }

        context.Say(manifest.Shard is { } shard
            ? $"shard {shard.Index}/{shard.Count} of {manifest.Project} {manifest.Version} in {CliContext.Display(output)}; join the shards with: pibuild release merge DIR... -o dist"
            : $"{manifest.Project} {manifest.Version}: {manifest.Artifacts.Count} archive(s), SHA256SUMS and manifest.json in {CliContext.Display(output)}");
    }

    private static ShardInfo? ParseShard(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('/');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
               && count >= 1 && index >= 1 && index <= count
            ? new ShardInfo(index, count)
            : throw new ConfigurationException($"--shard {text}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 1/2");
    }
}
