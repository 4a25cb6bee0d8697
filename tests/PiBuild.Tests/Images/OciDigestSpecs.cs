using System.Text;
using PiBuild.Core;
using PiBuild.Core.Digests;
using PiBuild.Core.Images;

namespace PiBuild.Tests.Images;

public sealed class OciDigestSpecs
{
    [Theory]
    [InlineData("sha256:../../../../../../tmp/x/pwned")]
    [InlineData("sha256:/tmp/x/pwned")]
    [InlineData("sha256:abc")]
    [InlineData("x")]
    [InlineData("sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n")]
    [InlineData(" sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_digest_that_is_not_sha256_and_64_lower_case_hex_digits_is_refused_naming_where_it_came_from(string text)
    {
        var refused = Assert.Throws<WorkFailedException>(() => OciDigest.Parse(text, "the index of docker://r/h:1"));
        Assert.StartsWith("the index of docker://r/h:1 names the digest '", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void A_blob_of_a_layout_is_only_ever_named_by_the_digests_hex_digits()
    {
        var digest = OciDigest.Parse("sha256:" + new string('a', 64), "test");
        Assert.Equal(Path.Combine("/layout", "blobs", "sha256", new string('a', 64)), new OciLayout("/layout").BlobPath(digest));
        Assert.Equal(OciDigest.Of("{}"u8), OciDigest.Parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "test"));
    }

    [Theory]
    [InlineData("{\"manifests\":[{\"digest\":\"sha256:x\",\"size\":1}]}", "is not sha256: and 64")]
    [InlineData("{\"manifests\":[{\"size\":1}]}", "names no digest")]
    [InlineData("{\"manifests\":[{\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":-5}]}", "gives the size -5")]
    [InlineData("{\"manifests\":[{\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":\"big\"}]}", "malformed JSON")]
    [InlineData("[1,2]", "malformed JSON")]
    [InlineData("{\"manifests\":", "malformed JSON")]
    [InlineData("{\"schemaVersion\":2}", "lists no manifests")]
    public void A_malformed_index_is_one_line_naming_it_never_a_parser_exception(string json, string expected)
    {
        var refused = Assert.Throws<WorkFailedException>(() => OciDocuments.Entries(OciDocuments.ReadManifest(Encoding.UTF8.GetBytes(json), "docker://r/h:1's index"), "docker://r/h:1's index"));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("docker://r/h:1's index", refused.Message, StringComparison.Ordinal);
    }
}
