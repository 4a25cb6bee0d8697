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
    [InlineData("project: \"../../pwned\"\n", "pibuild.yaml:1:10: 'project' must be a name of letters, digits, '.', '_', '+' and '-' (starting with a letter or digit), not '../../pwned'")]
    [InlineData("project: a/b\n", "pibuild.yaml:1:10: 'project' must be a name")]
    [InlineData("project: \"x\\ny\"\n", "pibuild.yaml:1:10: 'project' must be a name of letters, digits, '.', '_', '+' and '-' (starting with a letter or digit), not 'x\\ny'")]
    [InlineData("files:\n  - README.md\n  - /etc/hostname\n", "pibuild.yaml:3:5: 'files' names files inside the project, by a relative path without '..', not '/etc/hostname'")]
    [InlineData("files: [docs/../../outside]\n", "pibuild.yaml:1:9: 'files' names files inside the project")]
    [InlineData("? &a [*a]\n: 1\n", "pibuild.yaml:1:3: YAML anchors (&a) are not allowed in a pibuild.yaml; write the value out")]
    [InlineData("targets: *x\n", "pibuild.yaml:1:10: YAML aliases (*x) are not allowed")]
    public void Mistakes_are_reported_with_file_line_and_column(string text, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse(text, "pibuild.yaml"));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_parser_can_bear_is_refused_before_it_recurses()
    {
        // 100 000 '[' overflowed the stack of YamlDotNet's node model (SIGSEGV, no message).
        var e = Assert.Throws<ConfigurationException>(() => ProjectConfig.Parse("targets: " + new string('[', 100_000), "pibuild.yaml"));
        Assert.Equal("pibuild.yaml:1:73: a pibuild.yaml nests more than 64 levels deep", e.Message);
    }

    [Fact]
    public void An_unknown_target_is_reported_where_it_is_written()
    {
        var config = ProjectConfig.Parse("targets:\n  - pi1\n  - pi9\n", "pibuild.yaml");
        var catalog = PiBuild.Core.Targets.ProfileCatalog.FromLayers([PiBuild.Core.Targets.ProfileLayer.LoadBuiltIn()]);
        var e = Assert.Throws<ConfigurationException>(() => config.CheckTargets(catalog));
        Assert.Equal("pibuild.yaml:3:5: unknown target 'pi9' in 'targets' (did you mean 'pi5'?)", e.Message);
    }

    [Fact]
    public void Every_key_is_declared_once_and_shown_in_the_READMEs_example()
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "PiBuild.sln")))
        {
            repository = repository.Parent!;
        }

        var readme = File.ReadAllText(Path.Combine(repository.FullName, "README.md"));
        var example = readme[readme.IndexOf("An optional `pibuild.yaml`", StringComparison.Ordinal)..];
        example = example[..example.IndexOf("```\n\n", example.IndexOf("```yaml", StringComparison.Ordinal), StringComparison.Ordinal)];
        var documented = example.Split('\n').Select(l => l.Split(':')[0]).Where(k => ProjectKeys.Schema.Keys.ContainsKey(k)).ToArray();
        Assert.Equal(ProjectKeys.All.Select(k => k.Name), documented);
        Assert.Equal(ProjectKeys.All.Count, ProjectKeys.All.Select(k => k.Name).Distinct().Count());
    }
}
