using PiBuild.Core.Binaries;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Images;

/// <summary>One platform's entry of a base image: its config (kept as bytes, extended by the assembler) and its layers.</summary>
internal sealed record BaseEntry(OciPlatform Platform, byte[] Config, IReadOnlyList<OciDescriptor> Layers);

/// <summary>
/// An image the project's images are layered on (<c>image.base</c>): for each platform pibuild builds, the base entry
/// a client of that platform would pull. Its layers are copied into the layout and every ELF file in them judged for
/// every board of the platform, exactly as pibuild's own binaries are: a base whose arm/v6 entry holds ARMv7 code
/// stops the build, and nothing is pushed.
/// </summary>
internal static class BaseImage
{
    public static async Task<IReadOnlyDictionary<OciPlatform, BaseEntry>> ResolveAsync(ImageSource source, IReadOnlyList<OciPlatform> platforms, CancellationToken cancellationToken)
    {
        var (mediaType, body) = await source.RootAsync(cancellationToken).ConfigureAwait(false);
        var (entries, _) = await ImageVerifier.EntriesAsync(source, mediaType, body, cancellationToken).ConfigureAwait(false);
        var chosen = new Dictionary<OciPlatform, BaseEntry>();
        foreach (var platform in platforms)
        {
            var pulled = ImagePlatforms.Pulled(entries.Select(e => e.Platform), platform)
                ?? throw new ConfigurationException(
                    $"image.base {source.Name} has no entry for {platform} (it has {string.Join(", ", entries.Select(e => e.Platform.ToString()).DefaultIfEmpty("none"))}); choose a base with one, or leave that board out");
            var what = $"image.base {source.Name}'s {pulled} manifest";
            var manifest = OciDocuments.ReadManifest(await source.ManifestAsync(entries.First(e => e.Platform == pulled).Manifest, cancellationToken).ConfigureAwait(false), what);
            var config = await source.ConfigAsync(OciDocuments.Config(manifest, what), cancellationToken).ConfigureAwait(false);
            chosen[platform] = new BaseEntry(pulled, config, OciDocuments.Layers(manifest, what));
        }

        return chosen;
    }

    /// <summary>Copies the base's layers into the layout and judges every ELF file in them for each board; the first that will not run stops the image.</summary>
    public static async Task CopyAndVerifyAsync(ImageSource source, BaseEntry entry, OciPlatform platform, IReadOnlyList<TargetProfile> boards, OciLayout layout, string scratch, CancellationToken cancellationToken)
    {
        var checks = await ImageVerifier.CheckLayersAsync(source, entry.Platform, entry.Layers, boards, scratch, layout, VerificationRules.InImage, cancellationToken).ConfigureAwait(false);
        if (checks.FirstOrDefault(c => c.Problem is not null) is { } failed)
        {
            throw new WorkFailedException($"image.base {source.Name}: {failed.Problem}; the {platform} image would not run on every board it is for");
        }
    }
}
