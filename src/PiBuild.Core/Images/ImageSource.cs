using System.Collections.Concurrent;
using PiBuild.Core.Addresses;
using PiBuild.Core.Digests;
using PiBuild.Core.Fetching;
using PiBuild.Core.FileSystem;

namespace PiBuild.Core.Images;

/// <summary>
/// Where an image is read from: a registry (<c>docker://REF</c>) or an OCI layout (<c>oci:DIR[:TAG]</c>). Whatever it
/// hands out is checked before it is used: documents capped and hashed against the digest that named them, layers
/// against theirs, files only ever named by a digest's 64 hex digits.
/// </summary>
internal abstract class ImageSource : IDisposable
{
    /// <summary>Documents already read and checked, by their digest: a single-manifest image's root is its manifest too.</summary>
    private readonly ConcurrentDictionary<OciDigest, byte[]> _read = new();

    public abstract string Name { get; }

    /// <summary>True when <paramref name="text"/> names an image rather than a file.</summary>
    public static bool IsImage(string text) => text.StartsWith(ImageReference.DockerPrefix, StringComparison.Ordinal) || text.StartsWith(ImageReference.LayoutPrefix, StringComparison.Ordinal);

    public static ImageSource Open(string text, Fetcher fetcher, Func<string, string?> getVariable)
    {
        if (text.StartsWith(ImageReference.DockerPrefix, StringComparison.Ordinal))
        {
            var reference = ImageReference.Parse(text[ImageReference.DockerPrefix.Length..], "the image");
            return new RegistrySource(reference, new RegistryClient(reference, RegistryCredentials.For(reference.Registry, getVariable), fetcher));
        }

        var body = text[ImageReference.LayoutPrefix.Length..];
        var colon = body.LastIndexOf(':');
        var (directory, tag) = colon > 0 && !body[(colon + 1)..].Contains('/', StringComparison.Ordinal) ? (body[..colon], body[(colon + 1)..]) : (body, null);
        return File.Exists(Path.Combine(directory, "oci-layout"))
            ? new LayoutSource(new OciLayout(Path.GetFullPath(directory)), tag, ArchiveName.Display(text))
            : throw new ConfigurationException($"{ArchiveName.Display(directory)} is not an OCI image layout (no oci-layout file); name one written by pibuild image -o, skopeo or podman");
    }

    /// <summary>The document the reference names: an index, or a single manifest (its digest, when the reference pins one, checked).</summary>
    public async Task<(string MediaType, byte[] Body)> RootAsync(CancellationToken cancellationToken)
    {
        var root = await ReadRootAsync(cancellationToken).ConfigureAwait(false);
        _read.TryAdd(OciDigest.Of(root.Body), root.Body);
        return root;
    }

    /// <summary>
    /// A manifest an index names (or the root itself), checked against its descriptor's digest and size; read once:
    /// bytes whose digest was computed here are the same document whoever names it again.
    /// </summary>
    public async Task<byte[]> ManifestAsync(OciDescriptor manifest, CancellationToken cancellationToken)
    {
        if (_read.TryGetValue(manifest.Digest, out var known) && known.Length == manifest.Size)
        {
            return known;
        }

        var body = await ReadManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        _read.TryAdd(manifest.Digest, body);
        return body;
    }

    protected abstract Task<(string MediaType, byte[] Body)> ReadRootAsync(CancellationToken cancellationToken);

    protected abstract Task<byte[]> ReadManifestAsync(OciDescriptor manifest, CancellationToken cancellationToken);

    /// <summary>A config a manifest names, checked against its descriptor's digest and size.</summary>
    public abstract Task<byte[]> ConfigAsync(OciDescriptor config, CancellationToken cancellationToken);

    /// <summary>A layer as a file (the registry's through the download store; the layout's own); the extraction checks its digest.</summary>
    public abstract Task<string> LayerAsync(OciDescriptor layer, string name, CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }

    private sealed class RegistrySource(ImageReference reference, RegistryClient client) : ImageSource
    {
        public override string Name => ImageReference.DockerPrefix + reference;

        protected override Task<(string MediaType, byte[] Body)> ReadRootAsync(CancellationToken cancellationToken) =>
            client.GetManifestAsync(reference.Tag ?? "latest", reference.Digest is { } pinned ? OciDigest.Parse(pinned, Name) : null, null, cancellationToken);

        protected override async Task<byte[]> ReadManifestAsync(OciDescriptor manifest, CancellationToken cancellationToken)
        {
            OciDocuments.CheckDeclaredSize(manifest, $"{Name}'s manifest {manifest.Digest.Short}");
            return (await client.GetManifestAsync("", manifest.Digest, manifest.Size, cancellationToken).ConfigureAwait(false)).Body;
        }

        public override Task<byte[]> ConfigAsync(OciDescriptor config, CancellationToken cancellationToken) => client.GetBlobAsync(config, cancellationToken);

        public override Task<string> LayerAsync(OciDescriptor layer, string name, CancellationToken cancellationToken) => client.FetchBlobAsync(layer, name, cancellationToken);
    }

    private sealed class LayoutSource(OciLayout layout, string? tag, string name) : ImageSource
    {
        public override string Name => name;

        protected override Task<(string MediaType, byte[] Body)> ReadRootAsync(CancellationToken cancellationToken)
        {
            var what = $"{name}'s index.json";
            var top = OciDocuments.ReadManifest(ReadCapped(Path.Combine(layout.Root, "index.json"), what), what);
            var entries = (top.Manifests ?? throw new WorkFailedException($"{what} lists no images; the layout is malformed")).ToArray();
            var chosen = tag is null
                ? entries.Length == 1 ? entries[0] : throw new ConfigurationException($"{name} holds {entries.Length} images; name one: {name}:TAG")
                : entries.FirstOrDefault(e => e.Annotations?.GetValueOrDefault("org.opencontainers.image.ref.name") == tag)
                    ?? throw new ConfigurationException($"{name}: the layout has no image tagged '{ArchiveName.Display(tag)}'");
            var descriptor = OciDocuments.Descriptor(chosen, what);
            return Task.FromResult((descriptor.MediaType, Blob(descriptor)));
        }

        protected override Task<byte[]> ReadManifestAsync(OciDescriptor manifest, CancellationToken cancellationToken) => Task.FromResult(Blob(manifest));

        public override Task<byte[]> ConfigAsync(OciDescriptor config, CancellationToken cancellationToken) => Task.FromResult(Blob(config));

        private byte[] Blob(OciDescriptor descriptor)
        {
            var what = $"{name}'s blob {descriptor.Digest.Short}";
            OciDocuments.CheckDeclaredSize(descriptor, what);
            var body = ReadCapped(layout.BlobPath(descriptor.Digest), what);
            return OciDigest.Of(body) == descriptor.Digest && body.Length == descriptor.Size
                ? body
                : throw new WorkFailedException($"{what} does not match its digest and size ({body.Length} bytes, {OciDigest.Of(body).Short}); the layout is corrupt");
        }

        public override Task<string> LayerAsync(OciDescriptor layer, string name, CancellationToken cancellationToken)
        {
            var path = layout.BlobPath(layer.Digest);
            return new FileInfo(path) is { Exists: true } file && file.Length == layer.Size
                ? Task.FromResult(path)
                : throw new WorkFailedException($"{name} is {(File.Exists(path) ? $"{new FileInfo(path).Length} bytes, not the {layer.Size} declared" : "missing from the layout")}; the layout is corrupt");
        }

        /// <summary>A layout's document: a regular file (a FIFO or a link to <c>/dev/zero</c> is refused) of at most the documents' cap.</summary>
        private static byte[] ReadCapped(string path, string what)
        {
            if (PosixFiles.KindOf(path) is null)
            {
                throw new WorkFailedException($"{what} is missing; the layout is incomplete");
            }

            try
            {
                return RegularFile.ReadBytes(path, "a manifest, index or config", OciDocuments.MaxDocumentBytes);
            }
            catch (ConfigurationException e)
            {
                // A layout is what it holds: one whose document is a device or too large is corrupt (exit 1), as before.
                throw new WorkFailedException($"{what}: {e.Message}; the layout is corrupt", e);
            }
        }
    }
}
