using PiBuild.Core.Images;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Images;

/// <summary>
/// An image assembled from synthetic commands against a fixture root (its own CA bundle): the same input gives the same
/// bytes, and every document is written in the order and form pinned here (config, manifest, index, index.json), so a
/// change to how OCI documents are written shows as a change of these texts, not as a new digest nobody reads.
/// </summary>
public sealed class ImageAssemblySpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    private async Task<(OciLayout Layout, OciDescriptor Index, IReadOnlyList<OciDescriptor> Manifests)> AssembleAsync(string name)
    {
        var host = _dir.Combine("host");
        _dir.Write("host/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\nfixture\n-----END CERTIFICATE-----\n");
        var v6 = _dir.Write("bin6/sensord", "ARMv6 code");
        var v7 = _dir.Write("bin7/sensord", "ARMv7 code");
        var config = ImageConfig.Default with
        {
            Ports = ["8080/tcp"],
            Labels = new Dictionary<string, string> { ["org.example.team"] = "sensors" },
            Env = new Dictionary<string, string> { ["SENSORD_MODE"] = "°C" },
        };
        var layout = OciLayout.Create(_dir.Combine(name));
        var (index, manifests) = await new ImageAssembler(layout, config, new ReleaseSource("1.2.3", "abc123", 1700000000), host).WriteAsync(
            [new PlatformImage(new OciPlatform("linux", "arm", "v6"), [v6], "sensord"), new PlatformImage(new OciPlatform("linux", "arm", "v7"), [v7], "sensord")],
            CancellationToken.None);
        layout.WriteIndex(index, "1.2.3");
        return (layout, index, manifests);
    }

    private static string Text(OciLayout layout, OciDescriptor blob) => File.ReadAllText(layout.BlobPath(blob.Digest));

    private static string Descriptor(OciDescriptor d, string? platform = null, string? annotations = null) =>
        $"{{\"mediaType\":\"{d.MediaType}\",\"digest\":\"{d.Digest}\",\"size\":{d.Size}{platform}{annotations}}}";

    [Fact]
    public async Task The_same_input_gives_the_same_image_and_each_document_in_its_pinned_form()
    {
        var (layout, index, manifests) = await AssembleAsync("a");
        var again = await AssembleAsync("b");
        Assert.Equal(index.Digest, again.Index.Digest);

        var manifest = OciDocuments.ReadManifest(File.ReadAllBytes(layout.BlobPath(manifests[0].Digest)), "manifest");
        var configBlob = OciDocuments.Config(manifest, "manifest");
        var layers = OciDocuments.Layers(manifest, "manifest");
        var annotations = ",\"annotations\":{\"org.opencontainers.image.created\":\"2023-11-14T22:13:20Z\",\"org.opencontainers.image.revision\":\"abc123\",\"org.opencontainers.image.version\":\"1.2.3\"}";

        Assert.Equal(
            "{\"created\":\"2023-11-14T22:13:20Z\",\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"," +
            "\"config\":{\"User\":\"65532:65532\",\"ExposedPorts\":{\"8080/tcp\":{}},\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\",\"SENSORD_MODE=°C\"]," +
            "\"Entrypoint\":[\"/usr/local/bin/sensord\"],\"WorkingDir\":\"/\",\"Labels\":{\"org.example.team\":\"sensors\",\"org.opencontainers.image.created\":\"2023-11-14T22:13:20Z\",\"org.opencontainers.image.revision\":\"abc123\",\"org.opencontainers.image.version\":\"1.2.3\"}}," +
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"DIFF0\",\"DIFF1\"]}," +
            "\"history\":[{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"pibuild: CA certificates, the nonroot user, /tmp\"},{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"pibuild: sensord for linux/arm/v6\"}]}",
            DiffIdsAsPlaceholders(Text(layout, configBlob)));
        Assert.Equal(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciMediaTypes.Manifest}\",\"config\":{Descriptor(configBlob)},\"layers\":[{Descriptor(layers[0])},{Descriptor(layers[1])}]{annotations}}}",
            Text(layout, manifests[0]));
        Assert.Equal(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciMediaTypes.Index}\",\"manifests\":[" +
            $"{Descriptor(manifests[0], ",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}")}," +
            $"{Descriptor(manifests[1], ",\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}")}]{annotations}}}",
            Text(layout, index));
        Assert.Equal(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciMediaTypes.Index}\",\"manifests\":[{Descriptor(index, annotations: ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.2.3\"}")}]}}",
            File.ReadAllText(Path.Combine(layout.Root, "index.json")));

        // Both platforms share the base layer; each has its own commands layer.
        var second = OciDocuments.ReadManifest(File.ReadAllBytes(layout.BlobPath(manifests[1].Digest)), "manifest");
        Assert.Equal(layers[0].Digest, OciDocuments.Layers(second, "manifest")[0].Digest);
        Assert.NotEqual(layers[1].Digest, OciDocuments.Layers(second, "manifest")[1].Digest);
    }

    /// <summary>The diff IDs are digests of the layers' tar streams: checked for their form here, their bytes by the reproducibility above.</summary>
    private static string DiffIdsAsPlaceholders(string config)
    {
        var n = 0;
        return System.Text.RegularExpressions.Regex.Replace(config, "sha256:[0-9a-f]{64}", _ => $"DIFF{n++}");
    }

    public void Dispose() => _dir.Dispose();
}
