using PiBuild.Core;
using PiBuild.Core.Images;

namespace PiBuild.Tests.Images;

public sealed class ImageReferenceSpecs
{
    [Theory]
    [InlineData("127.0.0.1:5000/sensors:1.2.3", "127.0.0.1:5000", "sensors", "1.2.3", true)]
    [InlineData("localhost/jane/sensors:latest", "localhost", "jane/sensors", "latest", true)]
    [InlineData("ghcr.io/jane/sensors:v1", "ghcr.io", "jane/sensors", "v1", false)]
    [InlineData("sensors:1.0", "docker.io", "library/sensors", "1.0", false)]
    [InlineData("jane/sensors:1.0", "docker.io", "jane/sensors", "1.0", false)]
    [InlineData("[::1]:5000/sensors:1.0", "[::1]:5000", "sensors", "1.0", true)]
    public void A_reference_is_read_as_docker_reads_it(string text, string registry, string repository, string tag, bool loopback)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal((registry, repository, tag, loopback), (reference.Registry, reference.Repository, reference.Tag, reference.IsLoopback));
    }

    [Theory]
    [InlineData("Sensors:1.0")]
    [InlineData("host:5000/sensors:bad tag")]
    [InlineData("sensors:")]
    [InlineData("")]
    public void A_reference_outside_the_grammar_is_a_usage_error_with_an_example(string text) =>
        Assert.Contains("e.g. 127.0.0.1:5000/sensors:1.2.3", Assert.Throws<ConfigurationException>(() => ImageReference.Parse(text)).Message, StringComparison.Ordinal);
}
