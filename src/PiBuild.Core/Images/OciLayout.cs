using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PiBuild.Core.Digests;

namespace PiBuild.Core.Images;

/// <summary>The OCI platform an image entry is for, as clients match it: <c>linux/arm/v6</c>.</summary>
internal sealed record OciPlatform(string Os, string Architecture, string? Variant)
{
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}

/// <summary>A content descriptor: what a manifest or index points at.</summary>
internal sealed record OciDescriptor(string MediaType, OciDigest Digest, long Size, OciPlatform? Platform = null);

/// <summary>The media types pibuild writes and reads (OCI's, and Docker's that registries still hand out).</summary>
internal static class OciMediaTypes
{
    public const string Index = "application/vnd.oci.image.index.v1+json";
    public const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Config = "application/vnd.oci.image.config.v1+json";
    public const string Layer = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    public static bool IsIndex(string mediaType) => mediaType is Index or DockerManifestList;

    /// <summary>What a client accepts when it asks a registry for a manifest.</summary>
    public static readonly string[] Accepted = [Index, Manifest, DockerManifestList, DockerManifest];
}

/// <summary>
/// An OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>), what skopeo, podman and
/// umoci read as <c>oci:DIR</c>. pibuild writes every image here first, and pushes from here.
/// </summary>
internal sealed class OciLayout(string root)
{
    public string Root { get; } = root;

    public static OciLayout Create(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(root, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new OciLayout(root);
    }

    /// <summary>A blob's file: only ever named by 64 hex digits, whatever a document said.</summary>
    public string BlobPath(OciDigest digest) => Path.Combine(Root, "blobs", "sha256", digest.Hex);

    public OciDescriptor AddBlob(string mediaType, byte[] content, OciPlatform? platform = null)
    {
        var digest = OciDigest.Of(content);
        File.WriteAllBytes(BlobPath(digest), content);
        return new OciDescriptor(mediaType, digest, content.Length, platform);
    }

    /// <summary>Moves a finished file in as a blob (a layer written beside the layout).</summary>
    public async Task<OciDescriptor> AddBlobFileAsync(string mediaType, string path, CancellationToken cancellationToken)
    {
        var digest = OciDigest.FromHex(await Sha256Hex.OfFileAsync(path, cancellationToken).ConfigureAwait(false));
        var size = new FileInfo(path).Length;
        File.Move(path, BlobPath(digest), overwrite: true);
        return new OciDescriptor(mediaType, digest, size);
    }

    /// <summary>The top-level index.json: one entry, the image index, named by <paramref name="tag"/> as skopeo's oci:DIR:TAG finds it.</summary>
    public void WriteIndex(OciDescriptor index, string tag) =>
        File.WriteAllBytes(Path.Combine(Root, "index.json"), OciJson.Write(
            new OciIndexJson(2, OciMediaTypes.Index, [OciDescriptorJson.Of(index, new(StringComparer.Ordinal) { ["org.opencontainers.image.ref.name"] = tag })]),
            PiBuildJson.Default.OciIndexJson));
}

/// <summary>
/// JSON as OCI documents are hashed: compact, properties in a fixed order, so the same image is the same bytes and
/// digest wherever it is built.
/// </summary>
internal static class OciJson
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write<T>(T document, JsonTypeInfo<T> type)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            JsonSerializer.Serialize(writer, document, type);
        }

        return buffer.ToArray();
    }
}
