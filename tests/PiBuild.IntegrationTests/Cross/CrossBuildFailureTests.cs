using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>Bad input to pibuild cross: a clear line, the right exit code, and nothing half-written under bin/.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class CrossBuildFailureTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Task<RunResult> Cross(string project, params string[] more) =>
        Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project, .. more], _dir.Path, cache.Environment());

    private static string[] FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).ToArray() : [];

    [Fact]
    public async Task A_directory_that_is_not_a_Go_project_is_a_usage_error()
    {
        _dir.Write("notes/README.md", "not go\n");
        var result = await Cross(_dir.Combine("notes"));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"pibuild: {_dir.Combine("notes")} is not a Go project: no go.mod at or above it and no src/ directory (gb-style); run pibuild in a project or pass -C DIR\n", result.StandardError);
    }

    [Fact]
    public async Task An_empty_module_has_no_command_to_build()
    {
        _dir.Write("empty/go.mod", "module example.com/empty\n\ngo 1.19\n");
        var result = await Cross(_dir.Combine("empty"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no main package to build in", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(FilesUnder(_dir.Combine("empty", "bin", "pi1")));
    }

    [Fact]
    public async Task A_package_that_does_not_exist_is_a_usage_error_in_gos_words()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var result = await Cross(project, "./cmd/nothere");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cmd/nothere", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("check the package paths", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compile_error_is_shown_verbatim_and_leaves_no_binary()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        File.WriteAllText(Path.Combine(project, "src", "cmd", "helloworld", "main.go"), "package main\n\nfunc main() {\n\tundefinedCall()\n}\n");
        var result = await Cross(project);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("main.go:4:2: undefined: undefinedCall", result.StandardError, StringComparison.Ordinal);
        // go's own exit code for a compile error (2 up to Go 1.22, 1 since) is reported as it is.
        Assert.Matches(@"pibuild: go build for pi1 failed \(exit [12]\)\n$", result.StandardError);
        Assert.Empty(FilesUnder(Path.Combine(project, "bin", "pi1")));
        Assert.Equal(["pi1"], Directory.EnumerateFileSystemEntries(Path.Combine(project, "bin")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_output_directory_that_cannot_be_created_is_a_usage_error()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var blocker = _dir.Write("blocker", "a file where a directory should be");
        var result = await Cross(project, "-o", Path.Combine(blocker, "out"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"pibuild: cannot write the output directory {Path.Combine(blocker, "out", "pi1")}", result.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("choose another with -o DIR\n", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_with_a_GOARM_float_suffix_needs_a_newer_toolchain_than_Go_1_19()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        Directory.CreateDirectory(Path.Combine(project, "targets"));
        File.WriteAllText(Path.Combine(project, "targets", "pi1hf.yaml"), "name: pi1-hf\nextends: pi1\ngoarm: 6,hardfloat\n");
        var result = await Run.PiBuildAsync(["cross", "--target", "pi1-hf", "-C", project, "--go", GoToolchains.Go119], _dir.Path, cache.Environment());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("sets GOARM=6,hardfloat, which needs Go 1.22 or later", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(project, "bin")));
    }

    [Fact]
    public async Task A_missing_toolchain_is_a_usage_error_with_the_install_command()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project, "--go", _dir.Combine("no-go", "bin", "go")], _dir.Path, cache.Environment());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"pibuild: the Go toolchain named by --go does not exist: {_dir.Combine("no-go", "bin", "go")}; fix --go or install Go\n", result.StandardError);

        var env = cache.Environment();
        env["PATH"] = "/nonexistent";
        env["PIBUILD_GO"] = null;
        var noPath = await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "cross", "--target", "pi1", "-C", project], _dir.Path, env);
        Assert.Equal(2, noPath.ExitCode);
        Assert.Contains("sudo apt-get install golang-go", noPath.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
