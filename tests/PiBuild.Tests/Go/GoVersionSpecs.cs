using PiBuild.Core.Go;
using PiBuild.Core.Projects;

namespace PiBuild.Tests.Go;

/// <summary>Go's own version rules: what a go.mod asks for, and which Go answers it.</summary>
public sealed class GoVersionSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("go1.23", "go1.23rc1")]
    [InlineData("go1.23beta1", "go1.23rc1")]
    [InlineData("go1.23rc2", "go1.23.0")]
    [InlineData("go1.23.0", "go1.23.1")]
    [InlineData("go1.23.9", "go1.24")]
    [InlineData("go1.20", "go1.20.1")]
    [InlineData("go1.19.8", "go1.20")]
    public void Versions_are_ordered_as_Go_orders_them(string older, string newer)
    {
        Assert.True(GoVersion.Parse(older) < GoVersion.Parse(newer));
        Assert.True(GoVersion.Parse(newer) > GoVersion.Parse(older));
    }

    [Theory]
    [InlineData("go1.23", true)]
    [InlineData("go1.21", true)]
    [InlineData("go1.20", false)]
    [InlineData("go1.23.0", false)]
    [InlineData("go1.23rc1", false)]
    public void A_bare_line_from_1_21_on_is_a_language_version_and_before_it_was_a_release(string text, bool language) =>
        Assert.Equal(language, GoVersion.Parse(text).IsLanguage);

    [Theory]
    [InlineData("go1.23.5", "go1.23", true)]
    [InlineData("go1.23.0", "go1.23", true)]
    [InlineData("go1.22.12", "go1.23", false)]
    [InlineData("go1.23.3", "go1.23.4", false)]
    [InlineData("go1.19.8", "go1.19", true)]
    [InlineData("go1.24.1", "go1.22.3", true)]
    public void A_toolchain_satisfies_what_is_at_most_as_new(string toolchain, string required, bool satisfies) =>
        Assert.Equal(satisfies, GoVersion.Parse(toolchain).Satisfies(GoVersion.Parse(required)));

    [Fact]
    public void Go_mod_asks_for_the_newer_of_its_go_and_toolchain_lines()
    {
        _dir.Write("go.mod", "module example.com/m // the module\n\ngo 1.21 // a minimum\n\ntoolchain go1.22.12\n\nrequire example.com/x v1.0.0\n");
        var requirement = GoRequirement.Of(new GoProject(_dir.Path, ProjectLayout.Module));
        Assert.Equal("go1.21", requirement.Go!.Text);
        Assert.Equal("go1.22.12", requirement.Toolchain!.Text);
        Assert.Equal("go1.22.12", requirement.Minimum!.Text);
        Assert.Equal($"{_dir.Combine("go.mod")} says go 1.21 and toolchain go1.22.12", requirement.Describe());
    }

    [Fact]
    public void A_go_mod_whose_toolchain_line_is_older_than_its_go_line_asks_for_the_go_line()
    {
        _dir.Write("go.mod", "module m\n\ngo 1.23.4\n\ntoolchain go1.22.0\n");
        Assert.Equal("go1.23.4", GoRequirement.Of(new GoProject(_dir.Path, ProjectLayout.Module)).Minimum!.Text);
    }

    [Fact]
    public void A_gb_style_project_asks_for_nothing()
    {
        Directory.CreateDirectory(_dir.Combine("src"));
        Assert.Null(GoRequirement.Of(new GoProject(_dir.Path, ProjectLayout.GbStyle)).Minimum);
    }

    [Theory]
    [InlineData("1.23.5", "ExactRequest", "go1.23.5")]
    [InlineData("go1.23.5", "ExactRequest", "go1.23.5")]
    [InlineData("go1.24rc1", "ExactRequest", "go1.24rc1")]
    [InlineData("1.23", "LineRequest", "go1.23")]
    [InlineData("stable", "StableRequest", "")]
    [InlineData("/usr/lib/go-1.23/bin/go", "PathRequest", "")]
    [InlineData("./go", "PathRequest", "")]
    public void Go_names_a_path_a_release_a_line_or_stable(string text, string kind, string version)
    {
        var request = ToolchainRequest.Parse(text, "--go");
        Assert.Equal(kind, request.GetType().Name);
        Assert.Equal(version, request switch { ExactRequest e => e.Version.Text, LineRequest l => l.Language.Text, _ => "" });
    }

    public void Dispose() => _dir.Dispose();
}
