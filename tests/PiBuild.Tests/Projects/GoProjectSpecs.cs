using PiBuild.Core;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Projects;

public sealed class GoProjectSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_directory_with_go_mod_is_a_module()
    {
        _dir.Write("go.mod", "module example.com/x\n");
        var project = GoProject.Detect(_dir.Path);
        Assert.Equal(ProjectLayout.Module, project.Layout);
        Assert.Equal(_dir.Path, project.BuildDirectory);
        Assert.Null(project.GoPath);
    }

    [Fact]
    public void A_module_is_found_from_a_directory_inside_it_as_go_does()
    {
        _dir.Write("go.mod", "module example.com/x\n");
        _dir.Write("cmd/x/main.go", "package main\n");
        Assert.Equal(_dir.Path, GoProject.Detect(_dir.Combine("cmd", "x")).Root);
    }

    [Fact]
    public void A_directory_with_src_is_a_gb_style_project_built_from_src()
    {
        _dir.Write("src/cmd/hello/main.go", "package main\n");
        var project = GoProject.Detect(_dir.Path);
        Assert.Equal(ProjectLayout.GbStyle, project.Layout);
        Assert.Equal(_dir.Combine("src"), project.BuildDirectory);
        Assert.Equal($"{_dir.Path}:{_dir.Combine("vendor")}", project.GoPath);
    }

    [Fact]
    public void A_directory_with_neither_is_not_a_Go_project()
    {
        _dir.Write("README.md", "hi\n");
        var e = Assert.Throws<ConfigurationException>(() => GoProject.Detect(_dir.Path));
        Assert.Equal($"{_dir.Path} is not a Go project: no go.mod at or above it and no src/ directory (gb-style); run pibuild in a project or pass -C DIR", e.Message);
    }

    [Fact]
    public void A_directory_that_does_not_exist_is_named()
    {
        var e = Assert.Throws<ConfigurationException>(() => GoProject.Detect(_dir.Combine("missing")));
        Assert.StartsWith($"project directory {_dir.Combine("missing")} does not exist", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
