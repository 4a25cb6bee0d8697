using System.Text;
using PiBuild.Core.Digests;
using PiBuild.Core.Images;

namespace PiBuild.Tests.Images;

/// <summary>An image's documents are read once: a single-manifest image's root is the manifest its one entry names.</summary>
public sealed class ImageSourceSpecs
{
    private sealed class CountingSource(byte[] root) : ImageSource
    {
        public int ManifestReads { get; private set; }

        public override string Name => "counting";

        protected override Task<(string MediaType, byte[] Body)> ReadRootAsync(CancellationToken cancellationToken) =>
            Task.FromResult(("application/vnd.oci.image.manifest.v1+json", root));

        protected override Task<byte[]> ReadManifestAsync(OciDescriptor manifest, CancellationToken cancellationToken)
        {
            ManifestReads++;
            return Task.FromResult(Encoding.UTF8.GetBytes("x"));
        }

        public override Task<byte[]> ConfigAsync(OciDescriptor config, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task<string> LayerAsync(OciDescriptor layer, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");

    [Fact]
    public async Task The_root_named_again_by_its_digest_is_not_read_again()
    {
        using var source = new CountingSource(Manifest);
        var (type, root) = await source.RootAsync(CancellationToken.None);

        var again = await source.ManifestAsync(new OciDescriptor(type, OciDigest.Of(root), root.Length), CancellationToken.None);

        Assert.Same(root, again);
        Assert.Equal(0, source.ManifestReads);
    }

    [Fact]
    public async Task Another_digest_or_another_size_is_read_and_then_remembered()
    {
        using var source = new CountingSource(Manifest);
        await source.RootAsync(CancellationToken.None);
        var other = new OciDescriptor("application/vnd.oci.image.manifest.v1+json", OciDigest.Of(Encoding.UTF8.GetBytes("x")), 1);

        await source.ManifestAsync(other, CancellationToken.None);
        await source.ManifestAsync(other, CancellationToken.None);
        await source.ManifestAsync(new OciDescriptor(other.MediaType, OciDigest.Of(Manifest), Manifest.Length + 1), CancellationToken.None);

        Assert.Equal(2, source.ManifestReads);
    }

    [Fact]
    public async Task A_layout_whose_index_is_a_link_to_a_device_is_corrupt_and_not_read()
    {
        using var dir = new TempDirectory();
        dir.Write("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        File.CreateSymbolicLink(dir.Combine("index.json"), "/dev/zero");
        using var fetcher = new PiBuild.Core.Fetching.Fetcher(new PiBuild.Core.Fetching.DownloadStore(dir.Combine("downloads")), PiBuild.Core.Fetching.FetchPolicy.Default);
        using var source = ImageSource.Open($"oci:{dir.Path}", fetcher, _ => null);

        var refused = await Assert.ThrowsAnyAsync<PiBuild.Core.PiBuildException>(() => source.RootAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal(1, refused.ExitCode);
        Assert.EndsWith("index.json: " + dir.Combine("index.json") + " is a character device, not a regular file; a manifest, index or config must be a regular file; the layout is corrupt", refused.Message, StringComparison.Ordinal);
    }
}
