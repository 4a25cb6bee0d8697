using PiBuild.Core;
using PiBuild.Core.Addresses;

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

    [Fact]
    public void An_image_section_names_its_base_by_reference_and_a_bad_one_is_refused_where_it_stands()
    {
        var config = PiBuild.Core.Projects.ProjectConfig.Parse("image:\n  command: sensord\n  base: 127.0.0.1:5000/debian:12\n  ports: [\"8080\", 53/udp]\n", "pibuild.yaml");
        Assert.Equal(("sensord", "docker://127.0.0.1:5000/debian:12"), (config.Image.Command, config.Image.Base));
        Assert.Equal(["8080/tcp", "53/udp"], config.Image.Ports);
        var error = Assert.Throws<ConfigurationException>(() => PiBuild.Core.Projects.ProjectConfig.Parse("image:\n  base: Debian:12\n", "pibuild.yaml"));
        Assert.StartsWith("pibuild.yaml:2:9: image.base 'Debian:12' is not an image reference", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("pibuild.yaml:2:11: 'image.ports'", Assert.Throws<ConfigurationException>(() => PiBuild.Core.Projects.ProjectConfig.Parse("image:\n  ports: [http]\n", "pibuild.yaml")).Message, StringComparison.Ordinal);
    }
}
