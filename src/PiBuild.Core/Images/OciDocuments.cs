using System.Text.Json;
using System.Text.Json.Serialization;
using PiBuild.Core.Digests;

namespace PiBuild.Core.Images;

/// <summary>A descriptor as it arrives (every field may be missing or wrong): checked into an <see cref="OciDescriptor"/>.</summary>
internal sealed record OciDescriptorDocument(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("digest")] string? Digest,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("platform")] OciPlatformDocument? Platform,
    [property: JsonPropertyName("annotations")] Dictionary<string, string>? Annotations);

internal sealed record OciPlatformDocument(
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("variant")] string? Variant);

/// <summary>An image index (or Docker manifest list), or a manifest: both have a media type; the rest tells them apart.</summary>
internal sealed record OciManifestDocument(
    [property: JsonPropertyName("schemaVersion")] int? SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("manifests")] OciDescriptorDocument[]? Manifests,
    [property: JsonPropertyName("config")] OciDescriptorDocument? Config,
    [property: JsonPropertyName("layers")] OciDescriptorDocument[]? Layers);

/// <summary>What of an image config pibuild reads: the platform (a single-manifest image says it only there).</summary>
internal sealed record OciConfigDocument(
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("variant")] string? Variant);

/// <summary>A platform as pibuild writes it. The records below are pibuild's own documents, fields in a fixed order (the
/// same image is the same bytes and digest wherever it is built), through the one source-generated context.</summary>
internal sealed record OciPlatformJson(
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant)
{
    public static OciPlatformJson? Of(OciPlatform? platform) => platform is null ? null : new(platform.Architecture, platform.Os, platform.Variant);
}

internal sealed record OciDescriptorJson(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OciPlatformJson? Platform,
    [property: JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SortedDictionary<string, string>? Annotations)
{
    public static OciDescriptorJson Of(OciDescriptor descriptor, SortedDictionary<string, string>? annotations = null) =>
        new(descriptor.MediaType, descriptor.Digest.ToString(), descriptor.Size, OciPlatformJson.Of(descriptor.Platform), annotations is { Count: > 0 } ? annotations : null);
}

internal sealed record OciIndexJson(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("manifests")] IReadOnlyList<OciDescriptorJson> Manifests,
    [property: JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SortedDictionary<string, string>? Annotations = null);

internal sealed record OciManifestJson(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("config")] OciDescriptorJson Config,
    [property: JsonPropertyName("layers")] IReadOnlyList<OciDescriptorJson> Layers,
    [property: JsonPropertyName("annotations")] SortedDictionary<string, string> Annotations);

/// <summary>An image config of pibuild's own (an image from scratch); one on a base is the base's, changed where pibuild adds to it.</summary>
internal sealed record OciImageConfigJson(
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant,
    [property: JsonPropertyName("config")] OciRunConfigJson Config,
    [property: JsonPropertyName("rootfs")] OciRootfsJson Rootfs,
    [property: JsonPropertyName("history")] IReadOnlyList<OciHistoryJson> History);

internal sealed record OciRunConfigJson(
    [property: JsonPropertyName("User")] string User,
    [property: JsonPropertyName("ExposedPorts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SortedDictionary<string, OciEmptyJson>? ExposedPorts,
    [property: JsonPropertyName("Env")] IReadOnlyList<string> Env,
    [property: JsonPropertyName("Entrypoint")] IReadOnlyList<string> Entrypoint,
    [property: JsonPropertyName("WorkingDir")] string WorkingDir,
    [property: JsonPropertyName("Labels")] SortedDictionary<string, string> Labels);

internal sealed record OciRootfsJson(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("diff_ids")] IReadOnlyList<string> DiffIds);

internal sealed record OciHistoryJson(
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("created_by")] string CreatedBy);

/// <summary>The empty object a port maps to in ExposedPorts.</summary>
internal sealed record OciEmptyJson;

/// <summary>
/// Reads the OCI documents that arrive from a registry or a layout, typed through the one source-generated context.
/// Malformed JSON, a wrong shape, a missing or malformed digest, a negative size: one line naming the document,
/// never an exception from deep inside a parser.
/// </summary>
internal static class OciDocuments
{
    /// <summary>The most a manifest, index or config may be, as containerd caps them.</summary>
    public const int MaxDocumentBytes = 4 << 20;

    public static OciManifestDocument ReadManifest(byte[] body, string what) => Read(body, PiBuildJson.Default.OciManifestDocument, what);

    public static OciConfigDocument ReadConfig(byte[] body, string what) => Read(body, PiBuildJson.Default.OciConfigDocument, what);

    /// <summary>An index's entries, each checked (a digest of 64 hex digits, a size, a media type).</summary>
    public static IReadOnlyList<OciDescriptor> Entries(OciManifestDocument index, string what) =>
        (index.Manifests ?? throw new WorkFailedException($"{what} lists no manifests; the index is malformed"))
            .Select((d, i) => Descriptor(d, $"{what}, entry {i + 1}")).ToArray();

    public static OciDescriptor Config(OciManifestDocument manifest, string what) =>
        Descriptor(manifest.Config ?? throw new WorkFailedException($"{what} names no config; the manifest is malformed"), $"{what}'s config");

    public static IReadOnlyList<OciDescriptor> Layers(OciManifestDocument manifest, string what) =>
        (manifest.Layers ?? throw new WorkFailedException($"{what} lists no layers; the manifest is malformed"))
            .Select((d, i) => Descriptor(d, $"{what}'s layer {i + 1}")).ToArray();

    /// <summary>The platform a config says, for an image of one manifest.</summary>
    public static OciPlatform Platform(OciConfigDocument config, string what) =>
        new(config.Os ?? throw new WorkFailedException($"{what} names no os"), config.Architecture ?? throw new WorkFailedException($"{what} names no architecture"), config.Variant);

    /// <summary>A manifest or config declared larger than pibuild reads is refused before a byte of it is requested.</summary>
    public static void CheckDeclaredSize(OciDescriptor descriptor, string what)
    {
        if (descriptor.Size > MaxDocumentBytes)
        {
            throw new WorkFailedException($"{what} is declared as {descriptor.Size} bytes, more than the {MaxDocumentBytes >> 20} MiB pibuild reads for a manifest or config; refused before reading it");
        }
    }

    /// <summary>The media type a body says it is, when the server's Content-Type does not.</summary>
    public static string MediaTypeOf(OciManifestDocument document) =>
        document.MediaType ?? (document.Manifests is not null ? OciMediaTypes.Index : OciMediaTypes.Manifest);

    public static OciDescriptor Descriptor(OciDescriptorDocument document, string what)
    {
        var digest = OciDigest.Parse(document.Digest, what);
        if (document.Size is not { } size || size < 0)
        {
            throw new WorkFailedException($"{what} gives {(document.Size is null ? "no size" : $"the size {document.Size}")} for {digest.Short}; the image is malformed");
        }

        OciPlatform? platform = document.Platform is { } p
            ? new OciPlatform(p.Os ?? "", p.Architecture ?? "", p.Variant)
            : null;
        return new OciDescriptor(document.MediaType ?? "", digest, size, platform);
    }

    private static T Read<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw new WorkFailedException($"{what} is not an OCI document pibuild can read (malformed JSON{where}); the image is broken", e);
        }
    }
}
