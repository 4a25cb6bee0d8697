using System.Text;
using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Releases;

/// <summary>
/// Releases of a cgo project (a C function and zlib), cgo and the sysroot asked for in pibuild.yaml: reproducible from
/// clones whose sysroots lie at different paths, with the C compiler and the sysroot's digest in the manifest.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class CgoReleaseTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>A clone of the tagged cgo project beside a sysroot of its own (pibuild.yaml names it as ../armhf-sysroot).</summary>
    private async Task<string> CloneWithSysroot(string origin, string name)
    {
        var clone = _dir.Combine(name, "withc");
        await GitRepository.CloneAsync(origin, clone);
        await CgoSysroots.DebianArmhfAsync(_dir.Combine(name, "armhf-sysroot"));
        return clone;
    }

    [Fact]
    public async Task A_cgo_release_from_clones_with_sysroots_at_different_paths_is_byte_identical_and_its_manifest_names_the_C_side()
    {
        var origin = CgoModule.Write(_dir.Combine("origin"));
        await File.WriteAllTextAsync(Path.Combine(origin, "pibuild.yaml"), "targets: [pi2, pi4]\ncgo: true\nsysroots:\n  pi2: ../armhf-sysroot\n");
        await GitRepository.CommitAllAsync(origin, "release", tag: "v1.0.0");
        var first = await CloneWithSysroot(origin, "a");
        var second = await CloneWithSysroot(origin, "elsewhere/b");

        var one = await ReleaseRuns.ReleaseAsync(cache, first, "-o", _dir.Combine("dist-1"), "--json");
        one.AssertSucceeded();
        var two = await ReleaseRuns.ReleaseAsync(cache, second, "-o", _dir.Combine("dist-2"));
        two.AssertSucceeded();
        Assert.Matches(@"pi2 +\S+withc_1\.0\.0_linux_armv7\.tar\.gz .* GOARM=7 cgo ", two.StandardOutput);
        Assert.Equal(["SHA256SUMS", "manifest.json", "withc_1.0.0_linux_arm64.tar.gz", "withc_1.0.0_linux_armv7.tar.gz"], ReleaseRuns.Files(_dir.Combine("dist-1")));
        foreach (var file in ReleaseRuns.Files(_dir.Combine("dist-1")))
        {
            var cmp = await Run.ProgramAsync("cmp", [_dir.Combine("dist-1", file), _dir.Combine("dist-2", file)]);
            Assert.True(cmp.ExitCode == 0, $"{file} differs: {cmp}");
        }

        using var manifest = JsonDocument.Parse(one.StandardOutput);
        var artifacts = manifest.RootElement.GetProperty("artifacts").EnumerateArray().ToDictionary(a => a.GetProperty("goarch").GetString()!);
        Assert.True(artifacts["arm"].GetProperty("cgo").GetBoolean());
        Assert.Equal(await VersionLine("arm-linux-gnueabihf-gcc"), artifacts["arm"].GetProperty("c_compiler").GetString());
        Assert.Matches("^[0-9a-f]{64}$", artifacts["arm"].GetProperty("sysroot_sha256").GetString());
        Assert.True(artifacts["arm64"].GetProperty("cgo").GetBoolean());
        Assert.Equal(await VersionLine("aarch64-linux-gnu-gcc"), artifacts["arm64"].GetProperty("c_compiler").GetString());
        Assert.False(artifacts["arm64"].TryGetProperty("sysroot_sha256", out _), "pi4 linked against the cross toolchain's own root");

        // Nothing of where the project or its sysroot lay is left in the binary; it runs on the board's CPU.
        var unpacked = _dir.Combine("unpacked");
        Directory.CreateDirectory(unpacked);
        (await Run.ProgramAsync("tar", ["-C", unpacked, "-xzf", _dir.Combine("dist-1", "withc_1.0.0_linux_armv7.tar.gz")])).AssertSucceeded();
        var binary = Path.Combine(unpacked, "withc");
        var bytes = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(binary));
        Assert.DoesNotContain(_dir.Path, bytes, StringComparison.Ordinal);
        Assert.Equal("C says 42 zlib 1.2.13\n", (await Qemu.RunAsync("cortex-a7", binary)).StandardOutput);
    }

    [Fact]
    public async Task A_cgo_package_depends_on_the_packages_of_the_libraries_it_links_and_lintian_reports_no_errors()
    {
        var project = CgoModule.Write(_dir.Combine("withc"));
        await CgoSysroots.DebianArmhfAsync(_dir.Combine("armhf-sysroot"));
        await File.WriteAllTextAsync(Path.Combine(project, "pibuild.yaml"),
            "cgo: true\nsysroots: {pi2: ../armhf-sysroot}\ndeb: {maintainer: \"Jane Doe <jane@example.com>\", description: A C answer}\n");
        await File.WriteAllTextAsync(Path.Combine(project, "LICENSE"), "MIT License\n");
        await GitRepository.CommitAllAsync(project, "release", tag: "v1.0.0");
        var dist = _dir.Combine("dist");
        (await ReleaseRuns.ReleaseAsync(cache, project, "--target", "pi2", "--deb", "-o", dist)).AssertSucceeded();
        var deb = Path.Combine(dist, "withc_1.0.0_armhf.deb");

        // What the binary links (libz.so.1, libc.so.6), by the packages the sysroot's dpkg data names for them.
        var info = await Run.ProgramAsync("dpkg-deb", ["--field", deb, "Depends"]);
        info.AssertSucceeded();
        var libc = (await File.ReadAllLinesAsync("/var/lib/dpkg/info/libc6:armhf.shlibs")).First(l => l.StartsWith("libc 6 ", StringComparison.Ordinal))["libc 6 ".Length..];
        var zlib = (await File.ReadAllLinesAsync("/var/lib/dpkg/info/zlib1g:armhf.shlibs")).First(l => l.StartsWith("libz 1 ", StringComparison.Ordinal))["libz 1 ".Length..];
        Assert.Equal($"{libc}, {zlib}", info.StandardOutput.Trim());

        var contents = await Run.ProgramAsync("dpkg-deb", ["--contents", deb]);
        Assert.DoesNotContain("lintian/overrides", contents.StandardOutput, StringComparison.Ordinal);
        var lintian = await Run.ProgramAsync("lintian", ["--no-cfg", "--show-overrides", deb]);
        Assert.DoesNotMatch(@"(?m)^E: ", lintian.StandardOutput);
        Assert.DoesNotContain("statically-linked-binary", lintian.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cgo_package_without_dpkg_data_or_deb_depends_is_refused_before_anything_is_built()
    {
        var project = CgoModule.Write(_dir.Combine("withc"));
        await File.WriteAllTextAsync(Path.Combine(project, "pibuild.yaml"), "cgo: true\ndeb: {maintainer: \"Jane Doe <jane@example.com>\"}\n");
        await GitRepository.CommitAllAsync(project, "release", tag: "v1.0.0");
        var result = await ReleaseRuns.ReleaseAsync(cache, project, "--target", "pi4", "--deb", "-o", _dir.Combine("dist"));
        result.AssertExit(2);
        var line = Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
        Assert.Contains("the arm64 package is built with cgo", line, StringComparison.Ordinal);
        Assert.Contains("deb.depends", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("dist")));
    }

    [Fact]
    public async Task A_sysroot_named_for_an_unknown_board_in_pibuild_yaml_is_refused_at_its_line()
    {
        var project = CgoModule.Write(_dir.Combine("typo"));
        await File.WriteAllTextAsync(Path.Combine(project, "pibuild.yaml"), "cgo: true\nsysroots:\n  pi9: ../sysroot\n");
        var result = await Run.PiBuildAsync(["cross", "--target", "pi2", "-C", project], project, cache.Environment());
        result.AssertExit(2);
        Assert.Contains("pibuild.yaml:3:3: unknown target 'pi9' in 'sysroots'", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<string> VersionLine(string compiler)
    {
        var version = await Run.ProgramAsync(compiler, ["--version"]);
        version.AssertSucceeded();
        return version.StandardOutput.Split('\n')[0].Trim();
    }

    public void Dispose() => _dir.Dispose();
}
