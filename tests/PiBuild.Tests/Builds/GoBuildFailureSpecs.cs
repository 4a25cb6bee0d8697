using PiBuild.Core;
using PiBuild.Core.Builds;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Tests.Builds;

public sealed class GoBuildFailureSpecs
{
    private static readonly TargetBuild Pi1 = new(
        [ProfileCatalog.FromLayers([ProfileLayer.LoadBuiltIn()]).Get("pi1")], "/o", "/o/s", ["./..."], ProcessSpec.Plain("go", [], "/"), ListDependencies: null);

    [Fact]
    public void A_compile_error_is_a_failure_carrying_the_compilers_lines_verbatim()
    {
        const string stderr = "# cmd/helloworld\ncmd/helloworld/main.go:5:2: undefined: fmt.Printn\n";
        var e = Assert.IsType<WorkFailedException>(GoBuildFailure.From(Pi1, new ProcessResult(2, "", stderr)));
        Assert.Equal(1, e.ExitCode);
        Assert.Equal(stderr.TrimEnd(), e.Details);
        Assert.Equal("go build for pi1 failed (exit 2)", e.Message);
    }

    [Theory]
    [InlineData("package cmd/nothere is not in GOROOT (/usr/lib/go-1.19/src/cmd/nothere)")]
    [InlineData("no required module provides package example.com/x/cmd/nothere; to add it:")]
    [InlineData("stat /p/cmd/nothere: directory not found")]
    public void A_package_that_does_not_exist_is_a_usage_error(string stderr)
    {
        var e = Assert.IsType<ConfigurationException>(GoBuildFailure.From(Pi1, new ProcessResult(1, "", stderr + "\n")));
        Assert.StartsWith(stderr, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(target pi1); check the package paths (see: go list ./...)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_without_packages_is_a_usage_error_that_says_there_is_nothing_to_build()
    {
        var e = Assert.IsType<ConfigurationException>(GoBuildFailure.From(Pi1, new ProcessResult(1, "", "go: warning: \"./...\" matched no packages\nno packages to build\n")));
        Assert.Equal("no main package to build in / (go: warning: \"./...\" matched no packages): add a package main, or name the command packages to build", e.Message);
    }
}
