using PiBuild.Core.Addresses;
using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Fetching;
using PiBuild.Core.Images;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild image</c> was asked for: the boards (none: pibuild.yaml's, else every Pi), the reference, and where the image goes.</summary>
/// <param name="Push">Push to the registry the tag names.</param>
/// <param name="OutputDirectory">Write an OCI image layout there (-o), which skopeo and podman read as oci:DIR.</param>
/// <param name="GoFlags">go build's flags, as for cross.</param>
/// <param name="Tag">The image reference; null for a layout alone: the project's name and <c>latest</c>.</param>
public sealed record ImageRequest(IReadOnlyList<string> Targets, string? Tag, bool Push, string? OutputDirectory, IReadOnlyList<string>? GoFlags = null);

/// <summary>One entry of the image index: its platform, its manifest's digest, the boards it was verified for, its commands.</summary>
public sealed record ImagePlatformEntry(string Platform, string ManifestDigest, IReadOnlyList<string> Boards, IReadOnlyList<BinaryCheck> Commands);

/// <summary>What <c>pibuild image</c> made: the index digest (the same for the same source and toolchain), and where it went.</summary>
/// <param name="BlobsSent">Blobs uploaded by a push; <paramref name="BlobsPresent"/> the ones the registry had already.</param>
public sealed record ImageOutcome(string Reference, string IndexDigest, string Entrypoint, IReadOnlyList<ImagePlatformEntry> Platforms, string? Layout, bool Pushed, int BlobsSent, int BlobsPresent);

/// <summary>
/// <c>pibuild image</c>: one image per platform the boards need (linux/arm/v6, linux/arm/v7, linux/arm64/v8), each
/// built from the lowest level among its boards and verified for every one of them, in one OCI index, ARMv6 first;
/// written as an OCI layout and/or pushed, the tag last.
/// </summary>
internal static class ImagePipeline
{
    /// <summary>A directory's name as an OCI repository name: lower case, and only what the grammar allows.</summary>
    private static string RepositoryName(string directory)
    {
        var name = new string(directory.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('.', '_', '-');
        return name.Length > 0 ? name : "image";
    }

    public static async Task<ImageOutcome> RunAsync(Workspace workspace, ImageRequest request, CancellationToken cancellationToken)
    {
        if (!request.Push && request.OutputDirectory is null)
        {
            throw new ConfigurationException("image needs somewhere to put the image: --push (to the registry the tag names), -o DIR (an OCI layout), or both");
        }

        // A layout needs a name, not a registry: the project's, tagged latest, unless --tag says otherwise.
        var tag = request.Tag ?? (request.Push
            ? throw new ConfigurationException("--push needs --tag REGISTRY/REPOSITORY:TAG (e.g. 127.0.0.1:5000/sensors:1.2.3): the registry to push to")
            : $"{RepositoryName(workspace.Project().Name)}:latest");
        var reference = ImageReference.Parse(tag);
        if (reference.Digest is not null || reference.Tag is null)
        {
            throw new ConfigurationException($"--tag {tag} needs a tag (REPOSITORY:TAG), not a digest: the digest is what pibuild computes");
        }

        var config = workspace.Config();
        config.CheckTargets(workspace.Catalog());
        var targets = request.Targets.Count > 0 || config.Targets.Count > 0
            ? TargetSelection.Many(workspace.Catalog(), request.Targets, config.Targets, "image")
            : workspace.Catalog().All.Where(t => t.IsBuiltIn).ToArray();
        var output = request.OutputDirectory is null ? null : Path.GetFullPath(request.OutputDirectory);
        if (output is not null && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !File.Exists(Path.Combine(output, "oci-layout")))
        {
            throw new ConfigurationException($"-o {request.OutputDirectory} holds files that are not an OCI layout; choose an empty directory");
        }

        // Images are releases: the same flags (trimmed, stripped, no build ID), so the same source gives the same digest.
        var session = await BuildSession.OpenAsync(workspace, targets, workspace.CgoOptions(false, []), request.GoFlags, cancellationToken,
            refusePackage: p => $"image builds pibuild.yaml's commands (or every main package), not '{p}'; list packages under 'commands:'", release: true).ConfigureAwait(false);
        if (session.Targets.FirstOrDefault(t => t.Cgo) is { } cgo)
        {
            throw new ConfigurationException($"{cgo.Name} builds with cgo, but an image from scratch has no C library to run it; build the image without cgo (drop cgo: true or the profile's cgo)");
        }

        var platforms = Platforms(session);

        // A registry that is down or refuses the login is said before anything is built.
        using var fetcher = Fetcher.For(workspace.Paths, workspace.GetVariable);
        var registry = request.Push ? new RegistryClient(reference, RegistryCredentials.For(reference.Registry, workspace.GetVariable), fetcher) : null;
        if (registry is not null)
        {
            await registry.CheckCanPushAsync(cancellationToken).ConfigureAwait(false);
        }

        var source = await ReleaseVersion.DevelopmentAsync(session.Project.Root, workspace.GetVariable, workspace.Runner, cancellationToken).ConfigureAwait(false);

        // The layout is written beside -o (or in the cache, for a push alone) and moved into place only when complete.
        using var staging = ReleaseOutput.Stage(output ?? Path.Combine(session.Paths.CacheDirectory, "images", "push"));
        var layout = OciLayout.Create(staging.Path);
        var bases = await BaseEntriesAsync(workspace, fetcher, config.Image, platforms, layout, Path.Combine(staging.Path, ".base"), cancellationToken).ConfigureAwait(false);
        var binaries = Path.Combine(staging.Path, ".bin");
        var build = new CrossBuildRequest(config.Commands, binaries, workspace.Verbose, session.Flags.Arguments(source.Version, source.Commit));
        // The entry goes out for every board of its platform: each must run these binaries.
        var (_, results) = await CrossBuild.BuildAndVerifyAsync(session, build, platforms.Select(p => new BuildFor(p.Builder, p.Boards, VerificationRules.RunsOnEveryLevelAbove)).ToArray(),
            workspace.Runner, workspace.Events, workspace.Verbose, cancellationToken).ConfigureAwait(false);

        var entrypoint = Entrypoint(config.Image, results[0].Binaries);
        var images = platforms.Zip(results).Select(p => new PlatformImage(p.First.Platform, p.Second.Binaries.Select(b => b.Path).ToArray(), entrypoint, bases?[p.First.Platform])).ToArray();
        var (index, manifests) = await new ImageAssembler(layout, config.Image, source, "/").WriteAsync(images, cancellationToken).ConfigureAwait(false);
        layout.WriteIndex(index, reference.Tag);
        Directory.Delete(binaries, recursive: true);

        var (sent, present) = registry is not null
            ? await ImagePush.PushAsync(layout, index, manifests, reference, registry, workspace.Events, cancellationToken).ConfigureAwait(false)
            : (0, 0);
        if (output is not null)
        {
            staging.ReplaceDirectory(output);
        }

        var entries = platforms.Zip(results, manifests).Select(e => new ImagePlatformEntry(e.First.Platform.ToString(), e.Third.Digest.ToString(), e.First.Boards.Select(b => b.Name).ToArray(), e.Second.Binaries)).ToArray();
        // A layout named after the project is no registry's: it is said as it was made, not as docker.io/library/NAME.
        return new ImageOutcome(request.Tag is null ? tag : reference.ToString(), index.Digest.ToString(), entrypoint, entries, output, request.Push, sent, present);
    }

    /// <summary>
    /// The base image's entry for each platform (null for scratch), its layers copied into the layout and every ELF
    /// file in them verified for each board of the platform, before anything is built.
    /// </summary>
    private static async Task<IReadOnlyDictionary<OciPlatform, BaseEntry>?> BaseEntriesAsync(
        Workspace workspace, Fetcher fetcher, ImageConfig config, IReadOnlyList<(OciPlatform Platform, TargetProfile Builder, IReadOnlyList<TargetProfile> Boards)> platforms, OciLayout layout, string scratch, CancellationToken cancellationToken)
    {
        if (config.Base == ImageConfig.Scratch)
        {
            return null;
        }

        if (config.TzData)
        {
            throw new ConfigurationException("image.tzdata adds time zones to an image from scratch; a base image brings its own (install tzdata in it)");
        }

        using var source = ImageSource.Open(config.Base, fetcher, workspace.GetVariable);
        var entries = await BaseImage.ResolveAsync(source, platforms.Select(p => p.Platform).ToArray(), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(scratch);
        foreach (var (platform, _, boards) in platforms)
        {
            workspace.Events.Step($"checking the base image's {entries[platform].Platform} entry for {string.Join(", ", boards.Select(b => b.Name))}");
            await BaseImage.CopyAndVerifyAsync(source, entries[platform], platform, boards, layout, scratch, cancellationToken).ConfigureAwait(false);
        }

        Directory.Delete(scratch, recursive: true);
        return entries;
    }

    /// <summary>One platform per OCI platform the boards need; each built from its lowest level (the one every board of it runs), in index order.</summary>
    private static IReadOnlyList<(OciPlatform Platform, TargetProfile Builder, IReadOnlyList<TargetProfile> Boards)> Platforms(BuildSession session)
    {
        return BuildFor.LowestPerOutput(session.Groups(session.Targets), g => g, ImagePlatforms.Of)
            .Select(p => (Platform: p.Output, Builder: p.Lowest[0], p.Boards))
            .OrderBy(p => p.Platform.Architecture, StringComparer.Ordinal)
            .ThenBy(p => ArchLevel.Of(p.Builder).Rank)
            .ToArray();
    }

    /// <summary>pibuild.yaml's image.command, or the project's one command.</summary>
    private static string Entrypoint(ImageConfig config, IReadOnlyList<BinaryCheck> binaries)
    {
        var names = binaries.Select(b => Path.GetFileName(b.Path)).ToArray();
        if (config.Command is { } command)
        {
            return names.Contains(command)
                ? command
                : throw new ConfigurationException($"image.command '{command}' is not one of the project's commands ({string.Join(", ", names)})");
        }

        return names.Length == 1
            ? names[0]
            : throw new ConfigurationException($"the project has {names.Length} commands ({string.Join(", ", names)}); name the one the image runs: image: {{command: {names[0]}}} in pibuild.yaml");
    }
}
