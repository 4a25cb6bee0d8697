using PiBuild.Core.Addresses;
namespace PiBuild.Core.Images;

/// <summary>
/// Pushes an index from an OCI layout: every blob the registry lacks (asked first, so an unchanged layer is not sent
/// again), each platform's manifest by digest, the index by digest, and only then the tag: a push that fails half-way
/// leaves the tag where it was.
/// </summary>
internal static class ImagePush
{
    /// <returns>How many blobs were sent, and how many the registry had already.</returns>
    public static async Task<(int Sent, int Present)> PushAsync(
        OciLayout layout, OciDescriptor index, IReadOnlyList<OciDescriptor> manifests, ImageReference reference, RegistryClient registry, IPipelineEvents events, CancellationToken cancellationToken)
    {
        var sent = 0;
        var present = 0;
        var blobs = manifests.SelectMany(m => BlobsOf(layout, m)).DistinctBy(b => b.Digest).ToArray();
        foreach (var blob in blobs)
        {
            if (await registry.HasBlobAsync(blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                present++;
                continue;
            }

            events.Step($"pushing {blob.Digest.Short} ({blob.Size} bytes) to {reference.Registry}/{reference.Repository}");
            await registry.PushBlobAsync(blob.Digest, blob.Size, () => File.OpenRead(layout.BlobPath(blob.Digest)), cancellationToken).ConfigureAwait(false);
            sent++;
        }

        foreach (var manifest in manifests)
        {
            await registry.PutManifestAsync(manifest.Digest.ToString(), manifest.MediaType, await File.ReadAllBytesAsync(layout.BlobPath(manifest.Digest), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        var indexBody = await File.ReadAllBytesAsync(layout.BlobPath(index.Digest), cancellationToken).ConfigureAwait(false);
        await registry.PutManifestAsync(index.Digest.ToString(), index.MediaType, indexBody, cancellationToken).ConfigureAwait(false);
        await registry.PutManifestAsync(reference.Tag!, index.MediaType, indexBody, cancellationToken).ConfigureAwait(false);
        return (sent, present);
    }

    /// <summary>A manifest's config and layers (a manifest pibuild wrote itself).</summary>
    private static IEnumerable<OciDescriptor> BlobsOf(OciLayout layout, OciDescriptor manifest)
    {
        var what = $"{layout.Root}'s manifest {manifest.Digest.Short}";
        var document = OciDocuments.ReadManifest(File.ReadAllBytes(layout.BlobPath(manifest.Digest)), what);
        return [OciDocuments.Config(document, what), .. OciDocuments.Layers(document, what)];
    }
}
