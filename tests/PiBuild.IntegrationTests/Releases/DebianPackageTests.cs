using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Releases;

/// <summary>
/// pibuild release --deb: packages written by pibuild, judged by Debian's own tools (dpkg-deb, lintian, dpkg --root)
/// and run on the boards' emulated CPUs.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class DebianPackageTests(SharedGoCache cache) : IDisposable
{
    private const string DebSection = """

        deb:
          maintainer: "Jane Doe <jane@example.com>"
          description: Sensor readings for the Raspberry Pi
          homepage: https://example.com/sensors
          section: utils
          files: ["deploy/sensord.yaml:/etc/sensord/sensord.yaml:0640"]
          conffiles: [/etc/sensord/sensord.yaml]
          systemd: [deploy/sensord.service]

        """;

    private const string Unit = """
        [Unit]
        Description=Sensor daemon

        [Service]
        ExecStart=/usr/bin/sensord
        Restart=on-failure

        [Install]
        WantedBy=multi-user.target

        """;

    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Env() => ReleaseRuns.Environment(cache);

    /// <summary>examples/sensors with a deb: section, a unit and a config file, committed and tagged v1.2.3, then cloned.</summary>
    private async Task<string> PackagedSensors(string name, string deb = DebSection)
    {
        var origin = _dir.Combine("origin-" + name);
        Repository.CopyTree(Repository.Example("sensors"), origin);
        Directory.CreateDirectory(Path.Combine(origin, "deploy"));
        await File.WriteAllTextAsync(Path.Combine(origin, "deploy", "sensord.service"), Unit);
        await File.WriteAllTextAsync(Path.Combine(origin, "deploy", "sensord.yaml"), "interval: 10s\n");
        await File.WriteAllTextAsync(Path.Combine(origin, "LICENSE"), "MIT License\n\nCopyright (c) 2026 Jane Doe\n");
        await File.AppendAllTextAsync(Path.Combine(origin, "pibuild.yaml"), deb);
        await GitRepository.CommitAllAsync(origin, "release", tag: "v1.2.3");
        var clone = _dir.Combine(name, "sensors");
        await GitRepository.CloneAsync(origin, clone);
        return clone;
    }

    private Task<RunResult> Release(string project, params string[] more) => ReleaseRuns.ReleaseAsync(cache, project, more);

    private static string[] Files(string directory) => ReleaseRuns.Files(directory);

    [Fact]
    public async Task The_packages_show_their_fields_and_root_owned_files_to_dpkg_deb_and_lintian_reports_no_errors()
    {
        var project = await PackagedSensors("a");
        var dist = _dir.Combine("dist");
        var result = await Release(project, "--target", "pi1,pi2,pi4", "--deb", "-o", dist);
        result.AssertSucceeded();
        Assert.Contains("sensors_1.2.3_armhf.deb", Files(dist));
        Assert.Contains("sensors_1.2.3_arm64.deb", Files(dist));
        (await Run.ProgramAsync("sha256sum", ["-c", "SHA256SUMS"], dist)).AssertSucceeded();
        Assert.Contains("  sensors_1.2.3_armhf.deb\n", await File.ReadAllTextAsync(Path.Combine(dist, "SHA256SUMS")), StringComparison.Ordinal);

        var info = await Run.ProgramAsync("dpkg-deb", ["--info", Path.Combine(dist, "sensors_1.2.3_armhf.deb")]);
        info.AssertSucceeded();
        foreach (var field in new[] { " Package: sensors\n", " Version: 1.2.3\n", " Architecture: armhf\n", " Maintainer: Jane Doe <jane@example.com>\n",
                     " Depends: init-system-helpers (>= 1.54~)\n", " Section: utils\n", " Homepage: https://example.com/sensors\n", " Description: Sensor readings for the Raspberry Pi\n" })
        {
            Assert.Contains(field, info.StandardOutput, StringComparison.Ordinal);
        }

        var contents = await Run.ProgramAsync("dpkg-deb", ["--contents", Path.Combine(dist, "sensors_1.2.3_armhf.deb")]);
        Assert.Matches(@"-rwxr-xr-x root/root +\d+ 2024-01-02 03:04 \./usr/bin/sensord\n", contents.StandardOutput);
        Assert.Matches(@"-rw-r--r-- root/root +\d+ 2024-01-02 03:04 \./lib/systemd/system/sensord\.service\n", contents.StandardOutput);
        Assert.Matches(@"-rw-r----- root/root +14 2024-01-02 03:04 \./etc/sensord/sensord\.yaml\n", contents.StandardOutput);
        Assert.Matches(@"drwxr-xr-x root/root +0 2024-01-02 03:04 \./usr/share/doc/sensors/\n", contents.StandardOutput);

        foreach (var deb in new[] { "sensors_1.2.3_armhf.deb", "sensors_1.2.3_arm64.deb" })
        {
            var lintian = await Run.ProgramAsync("lintian", ["--no-cfg", "--show-overrides", Path.Combine(dist, deb)]);
            Assert.DoesNotMatch(@"(?m)^E: ", lintian.StandardOutput);
            Assert.Contains("O: sensors: statically-linked-binary [usr/bin/sensord]", lintian.StandardOutput, StringComparison.Ordinal);
        }

        // The armhf package holds the lowest 32-bit level selected, for every 32-bit board; the manifest says so.
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dist, "manifest.json")));
        var armhf = manifest.RootElement.GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("file").GetString() == "sensors_1.2.3_armhf.deb");
        Assert.Equal("armhf", armhf.GetProperty("deb_architecture").GetString());
        Assert.Equal("6", armhf.GetProperty("goarm").GetString());
        Assert.Equal(["pi1", "pi2"], armhf.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Two_releases_from_one_commit_give_byte_identical_packages_and_shards_merge_to_the_same()
    {
        var first = await PackagedSensors("a");
        var second = await PackagedSensors("b");
        (await Release(first, "--target", "pi1,pi2,pi4", "--deb", "-o", _dir.Combine("dist-1"))).AssertSucceeded();
        await Task.Delay(1100);
        (await Release(second, "--target", "pi1,pi2,pi4", "--deb", "-o", _dir.Combine("dist-2"))).AssertSucceeded();
        (await Run.ProgramAsync("diff", ["-r", _dir.Combine("dist-1"), _dir.Combine("dist-2")])).AssertSucceeded();

        var one = await Release(first, "--target", "pi1,pi2,pi4", "--deb", "--shard", "1/2", "-o", _dir.Combine("shard-1"));
        var two = await Release(first, "--target", "pi1,pi2,pi4", "--deb", "--shard", "2/2", "-o", _dir.Combine("shard-2"));
        Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one + "\n" + two);
        var merged = await Run.PiBuildAsync(["release", "merge", _dir.Combine("shard-1"), _dir.Combine("shard-2"), "-o", _dir.Combine("merged")], _dir.Path, Env());
        merged.AssertSucceeded();
        (await Run.ProgramAsync("diff", ["-r", _dir.Combine("dist-1"), _dir.Combine("merged")])).AssertSucceeded();
    }

    [Fact]
    public async Task Dpkg_installs_the_package_into_a_root_with_its_unit_enabled_and_purge_leaves_no_file_behind()
    {
        var project = await PackagedSensors("a");
        var dist = _dir.Combine("dist");
        (await Release(project, "--target", "pi4", "--deb", "-o", dist)).AssertSucceeded();

        var root = _dir.Combine("root");
        foreach (var directory in new[] { "info", "updates", "triggers" })
        {
            Directory.CreateDirectory(Path.Combine(root, "var", "lib", "dpkg", directory));
        }

        await File.WriteAllTextAsync(Path.Combine(root, "var", "lib", "dpkg", "status"), "");

        // The scripts run on this machine with DPKG_ROOT set (deb-systemd-helper honours it): nothing outside the root changes.
        string[] dpkg = ["--root=" + root, "--force-script-chrootless", "--force-architecture", "--force-depends"];
        var install = await Run.ProgramAsync("dpkg", [.. dpkg, "-i", Path.Combine(dist, "sensors_1.2.3_arm64.deb")]);
        install.AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(root, "usr", "bin", "sensord")));
        var wants = Path.Combine(root, "etc", "systemd", "system", "multi-user.target.wants", "sensord.service");
        Assert.Equal("/lib/systemd/system/sensord.service", new FileInfo(wants).LinkTarget);
        Assert.Equal("interval: 10s\n", await File.ReadAllTextAsync(Path.Combine(root, "etc", "sensord", "sensord.yaml")));

        var purge = await Run.ProgramAsync("dpkg", [.. dpkg, "--purge", "sensors"]);
        purge.AssertSucceeded();
        var dpkgDatabase = Path.Combine(root, "var", "lib", "dpkg") + "/";
        var left = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(dpkgDatabase, StringComparison.Ordinal))
            .Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .ToArray();
        Assert.Empty(left);
    }

    [Fact]
    public async Task The_armhf_packages_binary_runs_on_an_ARM1176_and_the_arm64_ones_on_a_Cortex_A72()
    {
        var project = await PackagedSensors("a");
        var dist = _dir.Combine("dist");
        (await Release(project, "--target", "pi1,pi2,pi4", "--deb", "-o", dist)).AssertSucceeded();
        foreach (var (arch, qemuCpu) in new[] { ("armhf", "arm1176"), ("arm64", "cortex-a72") })
        {
            var unpacked = _dir.Combine("x-" + arch);
            (await Run.ProgramAsync("dpkg-deb", ["-x", Path.Combine(dist, $"sensors_1.2.3_{arch}.deb"), unpacked])).AssertSucceeded();
            var run = await Qemu.RunAsync(qemuCpu, Path.Combine(unpacked, "usr", "bin", "sensorctl"), "version");
            Assert.Equal("sensorctl 1.2.3\n", run.StandardOutput);
        }
    }

    [Fact]
    public async Task A_snapshot_package_sorts_before_its_release_and_formats_deb_alone_makes_only_packages()
    {
        var project = await PackagedSensors("a", DebSection + "formats: [deb]\n");
        var dist = _dir.Combine("dist");
        var result = await Release(project, "--target", "pi1,pi2", "--snapshot", "-o", dist);
        result.AssertSucceeded();
        var deb = Assert.Single(Files(dist), f => f.EndsWith(".deb", StringComparison.Ordinal));
        Assert.Matches(@"^sensors_1\.2\.3~SNAPSHOT-[0-9a-f]{12}_armhf\.deb$", deb);
        Assert.DoesNotContain(Files(dist), f => f.EndsWith(".tar.gz", StringComparison.Ordinal));

        var version = deb.Split('_')[1];
        (await Run.ProgramAsync("dpkg", ["--compare-versions", version, "lt", "1.2.3"])).AssertSucceeded();
        (await Run.ProgramAsync("dpkg", ["--compare-versions", version, "gt", "1.2.2"])).AssertSucceeded();
    }

    [Fact]
    public async Task The_bundled_example_outside_git_with_only_a_deb_section_is_stripped_dated_from_its_newest_file_and_lintian_clean()
    {
        // No commit, no SOURCE_DATE_EPOCH, no ldflags: once the files were dated 1970 and the binaries unstripped.
        var project = Repository.CopyExample("hello", _dir.Path);
        await File.WriteAllTextAsync(Path.Combine(project, "pibuild.yaml"), "deb: {maintainer: \"Jane Doe <jane@example.com>\"}\n");
        var newest = new DateTime(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        foreach (var file in Directory.GetFiles(project, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, newest.AddDays(-3));
        }

        File.SetLastWriteTimeUtc(Path.Combine(project, "src", "cmd", "helloworld", "main.go"), newest);
        var dist = _dir.Combine("dist");
        (await Release(project, "--target", "pi2", "--version", "1.0.0", "--deb", "-o", dist)).AssertSucceeded();
        var deb = Directory.GetFiles(dist, "*_armhf.deb").Single();

        var contents = await Run.ProgramAsync("dpkg-deb", ["--contents", deb]);
        Assert.Matches(@"-rwxr-xr-x root/root +\d+ 2025-05-06 07:08 \./usr/bin/helloworld\n", contents.StandardOutput);
        var lintian = await Run.ProgramAsync("lintian", ["--no-cfg", deb]);
        Assert.DoesNotMatch(@"(?m)^E: ", lintian.StandardOutput);
        Assert.DoesNotContain("unstripped-binary-or-object", lintian.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ancient-file", lintian.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deb:\n  description: no maintainer\n", "pibuild.yaml:8:1: 'deb' needs 'maintainer'")]
    [InlineData("deb:\n  maintainer: \"Jane Doe <jane@example.com>\"\n  package: Sensors_Pkg\n", "pibuild.yaml:10:12: 'deb.package' must be a Debian package name")]
    [InlineData("deb:\n  maintainer: \"Jane Doe <jane@example.com>\"\n  systemd: [deploy/missing.service]\n", "pibuild.yaml:10:13: 'deploy/missing.service' in 'deb.systemd' does not exist")]
    public async Task A_bad_deb_section_is_a_usage_error_at_its_line_before_anything_is_built(string deb, string message)
    {
        var project = await PackagedSensors("a", deb);
        var result = await Release(project, "--target", "pi1", "--deb", "-o", _dir.Combine("dist"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"pibuild: {project}/{message}", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(_dir.Combine("dist")));
    }

    public void Dispose() => _dir.Dispose();
}
