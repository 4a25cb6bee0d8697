using PiBuild.Core;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Projects;

public sealed class ProjectConfigSpecs
{
    [Fact]
    public void Every_setting_is_read()
    {
        var config = ProjectConfig.Parse(
            "project: sensors\ntargets: [pi1, pi2]\ncommands: [./cmd/...]\nldflags: \"-s -X main.version={version}\"\nfiles: [README.md, LICENSE]\narchive: \"{project}-{version}-{arch}\"\n",
            "pibuild.yaml");
        Assert.Equal("sensors", config.Project);
        Assert.Equal(["pi1", "pi2"], config.Targets);
        Assert.Equal(["./cmd/..."], config.Commands);
        Assert.Equal("-s -X main.version={version}", config.LdFlags);
        Assert.Equal("{project}-{version}-{arch}", config.ArchiveTemplate);
        Assert.Equal(["README.md", "LICENSE"], config.Files);
    }

    [Theory]
    [InlineData("targest: [pi1]\n", "pibuild.yaml:1:1: unknown key 'targest' (did you mean 'targets'?)")]
    [InlineData("targets: pi1\n", "pibuild.yaml:1:10: 'targets' must be a list of strings")]
    [InlineData("archive: \"{project}_{verison}\"\n", "pibuild.yaml:1:10: unknown placeholder {verison} in 'archive' (did you mean '{version}'?) (known: {project}, {version}, {os}, {arch}, {target})")]
    [InlineData("archive: \"{project}\"\n", "pibuild.yaml:1:10: 'archive' must be a file name containing {version}, without '/'")]
    [InlineData("project: [a\n", "pibuild.yaml:2:1: malformed YAML")]
    public void Mistakes_are_reported_with_file_line_and_column(string text, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse(text, "pibuild.yaml"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
