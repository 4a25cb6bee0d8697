using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>Build tags and linker flags (--tags, --ldflags, pibuild.yaml, after --), and the go build flags pibuild refuses.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class BuildFlagsTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>A command whose output says which build tag chose its file and what -X set.</summary>
    private async Task<string> TaggedProjectAsync()
    {
        _dir.Write("p/go.mod", "module example.com/tagged\n\ngo 1.19\n");
        _dir.Write("p/cmd/tagged/main.go", "package main\n\nimport \"fmt\"\n\nvar version = \"none\"\n\nfunc main() { fmt.Println(flavour, version) }\n");
        _dir.Write("p/cmd/tagged/plain.go", "//go:build !fancy\n\npackage main\n\nconst flavour = \"plain\"\n");
        _dir.Write("p/cmd/tagged/fancy.go", "//go:build fancy\n\npackage main\n\nconst flavour = \"fancy\"\n");
        var project = _dir.Combine("p");
        await GitRepository.CommitAllAsync(project, "tagged", tag: "v1.2.3");
        return project;
    }

    [Fact]
    public async Task Cross_with_tags_ldflags_and_go_flags_after_the_double_dash_builds_what_they_say()
    {
        var project = await TaggedProjectAsync();
        var result = await Run.PiBuildAsync(
            ["cross", "--target", "pi2", "-C", project, "--tags", "fancy", "--ldflags", "-X main.version={version}", "--", "-gcflags=all=-l", "./cmd/tagged"], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        Assert.Equal("fancy 1.2.3\n", (await Qemu.RunAsync("cortex-a7", Path.Combine(project, "bin", "pi2", "tagged"))).StandardOutput);
        var info = await Run.ProgramAsync("go", ["version", "-m", Path.Combine(project, "bin", "pi2", "tagged")]);
        Assert.Contains("-gcflags=all=-l", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("-tags=fancy", info.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pibuild_yaml_tags_and_ldflags_apply_to_run_and_the_command_line_adds_to_them()
    {
        var project = await TaggedProjectAsync();
        File.WriteAllText(Path.Combine(project, "pibuild.yaml"), "tags: [fancy]\nldflags: \"-X main.version=v{version}\"\n");
        await GitRepository.CommitAllAsync(project, "configured");
        var fromFile = await Run.PiBuildAsync(["run", "--target", "pi1", "-C", project, "./cmd/tagged"], _dir.Path, cache.Environment());
        fromFile.AssertSucceeded();

        // HEAD is past the tag: the version is a snapshot's, as release --snapshot would call it.
        Assert.Matches(@"^fancy v1\.2\.3-SNAPSHOT-[0-9a-f]{12}\n$", fromFile.StandardOutput);

        // The command line's linker flags come after the file's, so its -X wins.
        var overridden = await Run.PiBuildAsync(["run", "--target", "pi1", "-C", project, "--ldflags=-X main.version=cli", "./cmd/tagged"], _dir.Path, cache.Environment());
        overridden.AssertSucceeded();
        Assert.Equal("fancy cli\n", overridden.StandardOutput);
    }

    [Theory]
    [InlineData("-toolexec=./spy.sh", "it runs a program in place of the compiler")]
    [InlineData("-overlay=overlay.json", "would not be built from the project's source")]
    [InlineData("-o=elsewhere", "pibuild places the binaries itself")]
    [InlineData("-buildmode=c-shared", "-buildmode=exe or pie")]
    [InlineData("-bogus", "'-bogus' is not a go build flag")]
    public async Task A_go_flag_that_pibuild_owns_or_cannot_vouch_for_is_refused_before_anything_runs(string flag, string reason)
    {
        var project = await TaggedProjectAsync();
        var spied = Path.Combine(project, "spied");
        _dir.Write("p/spy.sh", $"#!/bin/sh\ntouch {spied}\nexec \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(project, "spy.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi2", "-C", project, "--", flag], _dir.Path, cache.Environment());
        result.AssertExit(2);
        var line = Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.False(File.Exists(spied), "the refused -toolexec program ran");
        Assert.False(Directory.Exists(Path.Combine(project, "bin")));
    }

    [Fact]
    public async Task A_release_strips_its_binaries_and_refuses_to_keep_build_paths()
    {
        var project = await TaggedProjectAsync();
        var output = _dir.Combine("dist");
        (await Run.PiBuildAsync(["release", "--target", "pi2", "-C", project, "-o", output], _dir.Path, cache.Environment())).AssertSucceeded();
        var unpacked = _dir.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        (await Run.ProgramAsync("tar", ["xzf", Directory.GetFiles(output, "*.tar.gz").Single(), "-C", unpacked])).AssertSucceeded();
        var binary = Directory.GetFiles(unpacked, "tagged", SearchOption.AllDirectories).Single();
        var sections = await Run.ProgramAsync("readelf", ["-S", "-W", binary]);
        Assert.DoesNotContain(".symtab", sections.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(".debug_", sections.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("plain none\n", (await Qemu.RunAsync("cortex-a7", binary)).StandardOutput);

        var refused = await Run.PiBuildAsync(["release", "--target", "pi2", "-C", project, "-o", _dir.Combine("dist2"), "--", "-trimpath=false"], _dir.Path, cache.Environment());
        refused.AssertExit(2);
        Assert.Contains("a release always trims build-machine paths", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Linker_and_compiler_flags_that_would_run_a_program_or_write_outside_the_build_never_reach_go()
    {
        var project = await TaggedProjectAsync();
        var marker = _dir.Combine("marker");
        var evil = _dir.Write("evil.sh", $"#!/bin/sh\ntouch {marker}\nexec gcc \"$@\"\n");
        File.SetUnixFileMode(evil, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var elsewhere = _dir.Combine("elsewhere");
        await File.WriteAllTextAsync(elsewhere, "kept\n");

        File.WriteAllText(Path.Combine(project, "pibuild.yaml"), $"ldflags: \"-linkmode=external -extld={evil}\"\n");
        var fromYaml = await Run.PiBuildAsync(["cross", "--target", "pi2", "-C", project], _dir.Path, cache.Environment());
        fromYaml.AssertExit(2);
        File.Delete(Path.Combine(project, "pibuild.yaml"));
        string[][] commandLines =
        [
            ["cross", "--target", "pi2", "-C", project, "--ldflags", $"-linkmode=external -extld={evil}"],
            ["cross", "--target", "pi2", "-C", project, "--", $"-ldflags=-linkmode=external -extld={evil}"],
            ["cross", "--target", "pi2", "-C", project, "--ldflags", $"-o={elsewhere}"],
            ["cross", "--target", "pi2", "-C", project, "--", $"-gcflags=all=-o={elsewhere}"],
            ["test", "--target", "pi2", "-C", project, "--", $"-ldflags=-extld={evil}", "./..."],
        ];
        foreach (var args in commandLines)
        {
            var result = await Run.PiBuildAsync(args, _dir.Path, cache.Environment());
            result.AssertExit(2);
            Assert.Contains("is not passed to go", Assert.Single(result.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
        }

        Assert.False(File.Exists(marker), "evil.sh ran");
        Assert.Equal("kept\n", await File.ReadAllTextAsync(elsewhere));
        Assert.False(Directory.Exists(Path.Combine(project, "bin")));
    }

    public void Dispose() => _dir.Dispose();
}
