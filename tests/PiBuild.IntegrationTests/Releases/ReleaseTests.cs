using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Releases;

/// <summary>pibuild release on tagged git checkouts of the examples: reproducible, verifiable, shardable.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class ReleaseTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Env() => ReleaseRuns.Environment(cache);

    /// <summary>A tagged repository of an example, cloned to a directory of its own.</summary>
    private async Task<string> TaggedClone(string example, string name, string tag = "v1.2.3")
    {
        var origin = _dir.Combine("origin-" + example);
        if (!Directory.Exists(origin))
        {
            Repository.CopyTree(Repository.Example(example), origin);
            await GitRepository.CommitAllAsync(origin, "release", tag: tag);
        }

        var clone = _dir.Combine(name, example);
        await GitRepository.CloneAsync(origin, clone);
        return clone;
    }

    private Task<RunResult> Release(string project, params string[] more) => ReleaseRuns.ReleaseAsync(cache, project, more);

    private static string[] Files(string directory) => ReleaseRuns.Files(directory);

    [Fact]
    public async Task Two_releases_from_clones_in_different_directories_at_different_times_are_byte_identical()
    {
        var first = await TaggedClone("hello", "a");
        var second = await TaggedClone("hello", "elsewhere/b");
        var one = await Release(first, "--target", "pi1,pi2", "-o", _dir.Combine("dist-1"));
        one.AssertSucceeded();
        await Task.Delay(1100);
        var two = await Release(second, "--target", "pi1,pi2", "-o", _dir.Combine("dist-2"));
        two.AssertSucceeded();

        Assert.Equal(["SHA256SUMS", "hello_1.2.3_linux_armv6.tar.gz", "hello_1.2.3_linux_armv7.tar.gz", "manifest.json"], Files(_dir.Combine("dist-1")));
        foreach (var file in Files(_dir.Combine("dist-1")))
        {
            var cmp = await Run.ProgramAsync("cmp", [_dir.Combine("dist-1", file), _dir.Combine("dist-2", file)]);
            Assert.True(cmp.ExitCode == 0, $"{file} differs: {cmp}");
        }
    }

    [Fact]
    public async Task The_checksums_verify_and_the_pi1_archive_holds_a_binary_that_runs_on_an_ARM1176()
    {
        var project = await TaggedClone("hello", "a");
        var dist = _dir.Combine("dist");
        var result = await Release(project, "--target", "pi1,pi2", "-o", dist);
        result.AssertSucceeded();
        Assert.Matches(@"pi1 +dist/hello_1\.2\.3_linux_armv6\.tar\.gz|pi1 +\S+hello_1\.2\.3_linux_armv6\.tar\.gz", result.StandardOutput);

        var check = await Run.ProgramAsync("sha256sum", ["-c", "SHA256SUMS"], dist);
        check.AssertSucceeded();

        var unpacked = _dir.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        var tar = await Run.ProgramAsync("tar", ["-tvzf", Path.Combine(dist, "hello_1.2.3_linux_armv6.tar.gz")]);
        Assert.Matches(@"-rwxr-xr-x 0/0 +\d+ 2024-01-02 03:04 helloworld", tar.StandardOutput);
        Assert.Matches(@"-rw-r--r-- 0/0 +\d+ 2024-01-02 03:04 README\.md", tar.StandardOutput);
        (await Run.ProgramAsync("tar", ["-C", unpacked, "-xzf", Path.Combine(dist, "hello_1.2.3_linux_armv6.tar.gz")])).AssertSucceeded();
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", Path.Combine(unpacked, "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task The_manifest_records_GOARM_as_read_back_from_the_binaries()
    {
        var project = await TaggedClone("hello", "a");
        var result = await Release(project, "--target", "pi1,pi2", "-o", _dir.Combine("dist"), "--json");
        result.AssertSucceeded();
        using var manifest = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(await File.ReadAllTextAsync(_dir.Combine("dist", "manifest.json")), result.StandardOutput);
        Assert.Equal("1.2.3", manifest.RootElement.GetProperty("version").GetString());
        Assert.Equal(40, manifest.RootElement.GetProperty("commit").GetString()!.Length);

        foreach (var artifact in manifest.RootElement.GetProperty("artifacts").EnumerateArray())
        {
            var unpacked = _dir.Combine("x-" + artifact.GetProperty("targets")[0].GetProperty("name").GetString());
            Directory.CreateDirectory(unpacked);
            (await Run.ProgramAsync("tar", ["-C", unpacked, "-xzf", _dir.Combine("dist", artifact.GetProperty("file").GetString()!)])).AssertSucceeded();
            var goVersionM = await Run.ProgramAsync("go", ["version", "-m", Path.Combine(unpacked, "helloworld")]);
            var recorded = System.Text.RegularExpressions.Regex.Match(goVersionM.StandardOutput, @"build\tGOARM=(\S+)").Groups[1].Value;
            Assert.Equal(recorded, artifact.GetProperty("goarm").GetString());
            Assert.Equal(recorded, artifact.GetProperty("binaries")[0].GetProperty("goarm").GetString());
            Assert.Equal(BootstrapShaOf(Path.Combine(unpacked, "helloworld")), artifact.GetProperty("binaries")[0].GetProperty("sha256").GetString());
            Assert.Equal(64, artifact.GetProperty("targets")[0].GetProperty("profile_sha256").GetString()!.Length);
        }
    }

    [Fact]
    public async Task Shards_merged_are_byte_identical_to_the_unsharded_release()
    {
        var project = await TaggedClone("hello", "a");
        (await Release(project, "--target", "pi1,pi2", "-o", _dir.Combine("whole"))).AssertSucceeded();
        var one = await Release(project, "--target", "pi1,pi2", "--shard", "1/2", "-o", _dir.Combine("shard-1"));
        var two = await Release(project, "--target", "pi1,pi2", "--shard", "2/2", "-o", _dir.Combine("shard-2"));
        Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one + "\n" + two);
        Assert.Equal(["hello_1.2.3_linux_armv6.tar.gz", "manifest.shard-1-of-2.json"], Files(_dir.Combine("shard-1")));

        var merged = await Run.PiBuildAsync(["release", "merge", _dir.Combine("shard-2"), _dir.Combine("shard-1"), "-o", _dir.Combine("merged")], _dir.Path, Env());
        merged.AssertSucceeded();
        var diff = await Run.ProgramAsync("diff", ["-r", _dir.Combine("whole"), _dir.Combine("merged")]);
        diff.AssertSucceeded();
    }

    [Fact]
    public async Task Shards_from_different_commits_are_not_merged()
    {
        var project = await TaggedClone("hello", "a");
        (await Release(project, "--target", "pi1,pi2", "--shard", "1/2", "-o", _dir.Combine("shard-1"), "--snapshot")).AssertSucceeded();
        await File.AppendAllTextAsync(Path.Combine(project, "README.md"), "changed\n");
        await GitRepository.CommitAllAsync(project, "later", date: "2024-02-02T03:04:05Z");
        (await Release(project, "--target", "pi1,pi2", "--shard", "2/2", "-o", _dir.Combine("shard-2"), "--snapshot")).AssertSucceeded();

        var merged = await Run.PiBuildAsync(["release", "merge", _dir.Combine("shard-1"), _dir.Combine("shard-2"), "-o", _dir.Combine("merged")], _dir.Path, Env());
        Assert.Equal(2, merged.ExitCode);
        Assert.Contains("the shards disagree on the version", merged.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("merged")));
    }

    [Fact]
    public async Task A_dirty_tree_is_no_release_but_may_be_a_snapshot()
    {
        var project = await TaggedClone("hello", "a");
        await File.AppendAllTextAsync(Path.Combine(project, "src", "cmd", "helloworld", "main.go"), "\n// edited\n");
        var refused = await Release(project, "--target", "pi1", "-o", _dir.Combine("dist"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("has uncommitted changes", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("--snapshot", refused.StandardError, StringComparison.Ordinal);

        var snapshot = await Release(project, "--target", "pi1", "-o", _dir.Combine("dist"), "--snapshot");
        snapshot.AssertSucceeded();
        Assert.Matches(@"hello_1\.2\.3-SNAPSHOT-[0-9a-f]{12}_linux_armv6\.tar\.gz", string.Join(' ', Files(_dir.Combine("dist"))));
    }

    [Fact]
    public async Task An_untagged_commit_needs_a_version()
    {
        var project = _dir.Combine("untagged", "hello");
        Repository.CopyTree(Repository.Example("hello"), project);
        await GitRepository.CommitAllAsync(project, "no tag");
        var result = await Release(project, "--target", "pi1", "-o", _dir.Combine("dist"));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("pibuild: HEAD has no tag, so there is no release version; tag it (git tag v1.0.0), pass --version V, or --snapshot\n", result.StandardError);

        var versioned = await Release(project, "--target", "pi1", "-o", _dir.Combine("dist"), "--version", "2.0.0");
        versioned.AssertSucceeded();
        Assert.Contains("hello_2.0.0_linux_armv6.tar.gz", Files(_dir.Combine("dist")));
    }

    [Fact]
    public async Task An_earlier_release_is_kept_unless_clean_is_given()
    {
        var project = await TaggedClone("hello", "a");
        var dist = _dir.Combine("dist");
        Directory.CreateDirectory(dist);
        await File.WriteAllTextAsync(Path.Combine(dist, "hello_1.0.0_linux_armv6.tar.gz"), "old");
        var refused = await Release(project, "--target", "pi1", "-o", dist);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds an earlier release; pass --clean to replace it", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("old", await File.ReadAllTextAsync(Path.Combine(dist, "hello_1.0.0_linux_armv6.tar.gz")));

        var replaced = await Release(project, "--target", "pi1", "-o", dist, "--clean");
        replaced.AssertSucceeded();
        Assert.Equal(["SHA256SUMS", "hello_1.2.3_linux_armv6.tar.gz", "manifest.json"], Files(dist));
    }

    [Fact]
    public async Task A_binary_that_fails_verification_fails_the_release_and_leaves_nothing_behind()
    {
        // A toolchain wrapper that ignores the board and builds ARMv7 code: pi1's binary must be rejected.
        var wrapper = _dir.Write("wrong-go/go", "#!/bin/sh\nGOARM=7 exec go \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        var project = await TaggedClone("hello", "a");
        var result = await Release(project, "--target", "pi1", "-o", _dir.Combine("dist"), "--go", wrapper);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("helloworld for pi1 failed verification: GOARM: expected 6, found 7", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("dist")));
        Assert.DoesNotContain(Directory.GetDirectories(_dir.Path), d => Path.GetFileName(d).StartsWith(".dist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pibuild_yaml_names_the_project_targets_ldflags_files_and_archives()
    {
        var project = await TaggedClone("sensors", "a", tag: "v0.4.0");
        var dist = _dir.Combine("dist");
        var result = await Release(project, "-o", dist);
        result.AssertSucceeded();
        Assert.Equal(["SHA256SUMS", "manifest.json", "sensors-0.4.0-linux-armv6.tar.gz", "sensors-0.4.0-linux-armv7.tar.gz"], Files(dist));
        var unpacked = _dir.Combine("x");
        Directory.CreateDirectory(unpacked);
        (await Run.ProgramAsync("tar", ["-C", unpacked, "-xzf", Path.Combine(dist, "sensors-0.4.0-linux-armv6.tar.gz")])).AssertSucceeded();
        Assert.Equal(["README.md", "sensorctl", "sensord"], Files(unpacked));
        Assert.Equal("sensorctl 0.4.0\n", (await Qemu.RunAsync("arm1176", Path.Combine(unpacked, "sensorctl"), "version")).StandardOutput);
    }

    [Fact]
    public async Task Boards_that_run_the_same_build_share_one_archive_whose_manifest_lists_them_all()
    {
        var project = await TaggedClone("hello", "a");
        var dist = _dir.Combine("dist");
        var result = (await Release(project, "--target", "pi1,pi4,pi0,pi3", "-o", dist)).AssertSucceeded();
        Assert.Equal(["SHA256SUMS", "hello_1.2.3_linux_arm64.tar.gz", "hello_1.2.3_linux_armv6.tar.gz", "manifest.json"], Files(dist));
        Assert.Matches(@"pi3,pi4 +\S*hello_1\.2\.3_linux_arm64\.tar\.gz", result.StandardOutput);

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dist, "manifest.json")));
        var artifacts = manifest.RootElement.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("file").GetString()!);
        var arm64 = artifacts["hello_1.2.3_linux_arm64.tar.gz"];
        Assert.Equal(["pi3", "pi4"], arm64.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("Raspberry Pi 4 Model B / 400, CM4", arm64.GetProperty("targets")[1].GetProperty("board").GetString());
        Assert.Equal("arm64", arm64.GetProperty("goarch").GetString());
        Assert.Equal(["pi0", "pi1"], artifacts["hello_1.2.3_linux_armv6.tar.gz"].GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        var unpacked = _dir.Combine("x");
        Directory.CreateDirectory(unpacked);
        (await Run.ProgramAsync("tar", ["-C", unpacked, "-xzf", Path.Combine(dist, "hello_1.2.3_linux_arm64.tar.gz")])).AssertSucceeded();
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a53", Path.Combine(unpacked, "helloworld"))).StandardOutput);
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a72", Path.Combine(unpacked, "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task With_Go_1_23_a_Pi_5_gets_its_own_ARMv8_2_archive_apart_from_the_Pi_4()
    {
        var project = await TaggedClone("hello", "a");
        var dist = _dir.Combine("dist");
        (await Release(project, "--target", "pi4,pi5", "-o", dist, "--go", GoToolchains.Go123)).AssertSucceeded();
        Assert.Equal(["SHA256SUMS", "hello_1.2.3_linux_arm64.tar.gz", "hello_1.2.3_linux_arm64v8.2.tar.gz", "manifest.json"], Files(dist));
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dist, "manifest.json")));
        Assert.Equal(["v8.0", "v8.2"], manifest.RootElement.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("goarm64").GetString()));
    }

    [Fact]
    public async Task A_pibuild_yaml_error_names_file_line_and_column()
    {
        var project = await TaggedClone("hello", "a");
        await File.WriteAllTextAsync(Path.Combine(project, "pibuild.yaml"), "project: hello\ntargest: [pi1]\n");
        var result = await Release(project, "-o", _dir.Combine("dist"), "--snapshot");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"pibuild: {Path.Combine(project, "pibuild.yaml")}:2:1: unknown key 'targest' (did you mean 'targets'?)\n", result.StandardError);
    }

    private static string BootstrapShaOf(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose() => _dir.Dispose();
}
