using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Images;

/// <summary>
/// verify of an image says what real clients do: podman's pick of an entry, each entry named by the board that judged
/// it, zstd layers as podman and skopeo write them, and one rule for ELF files that are not Go programs, whether they
/// are files or inside an image (Debian's busybox-static for armel and armhf).
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class ImageVerdictTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OciRegistry _registry = OciRegistry.Start();

    private Task<RunResult> PiBuild(params string[] args) => Run.PiBuildAsync(args, _dir.Path, cache.Environment());

    /// <summary>podman as a user runs it, with a store of this test's own (vfs: no overlay in a container).</summary>
    private async Task<string> PodmanPullAsync(string platform, string image)
    {
        string[] store = ["--root", _dir.Combine("podman", "root"), "--runroot", _dir.Combine("podman", "run"), "--storage-driver", "vfs"];
        (await Run.ProgramAsync("podman", [.. store, "rmi", "-a", "-f"])).AssertSucceeded();
        var pulled = await Run.ProgramAsync("podman", [.. store, "pull", "-q", "--tls-verify=false", "--platform", platform, image]);
        return "sha256:" + pulled.AssertSucceeded().StandardOutput.Trim();
    }

    /// <summary>Each entry of a layout's index: its platform and its config's digest (what podman calls the image ID).</summary>
    private static Dictionary<string, string> ConfigsByPlatform(string layout)
    {
        JsonNode Blob(string digest) => JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..])))!;
        var top = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!;
        var index = Blob((string)top["manifests"]![0]!["digest"]!);
        return index["manifests"]!.AsArray().ToDictionary(
            m => $"linux/{(string)m!["platform"]!["architecture"]!}/{(string)m["platform"]!["variant"]!}",
            m => (string)Blob((string)m!["digest"]!)["config"]!["digest"]!);
    }

    [Fact]
    public async Task Podman_pulls_for_linux_arm_the_v7_entry_and_verify_names_each_entry_by_the_board_that_judged_it()
    {
        // -o alone needs no --tag: the layout is named after the project, tagged latest.
        var project = Repository.CopyExample("hello", _dir.Path);
        var layout = _dir.Combine("layout");
        var made = await Run.PiBuildAsync(["-C", project, "image", "--target", "pi1,pi2,pi4", "-o", layout], _dir.Path, cache.Environment());
        Assert.Matches(@"(?m)^hello:latest@sha256:[0-9a-f]{64}: runs helloworld; written to \S*layout \(oci:\S*layout:latest\)", made.AssertSucceeded().StandardError + made.StandardOutput);
        var configs = ConfigsByPlatform(layout);
        var pushed = $"docker://{_registry.Host}/hello:podman";
        (await Run.ProgramAsync("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", $"oci:{layout}:latest", pushed])).AssertSucceeded();

        // What podman really does: no variant is v7, and arm/v8 takes the v7 entry too.
        Assert.Equal(configs["linux/arm/v7"], await PodmanPullAsync("linux/arm", pushed));
        Assert.Equal(configs["linux/arm/v7"], await PodmanPullAsync("linux/arm/v8", pushed));
        Assert.Equal(configs["linux/arm/v6"], await PodmanPullAsync("linux/arm/v6", pushed));

        var verified = await PiBuild("verify", "--target", "pi1", "--json", $"oci:{layout}:latest");
        using var json = JsonDocument.Parse(verified.AssertSucceeded().StandardOutput);
        var binaries = json.RootElement.GetProperty("binaries").EnumerateArray().ToArray();
        var v6 = Assert.Single(binaries, b => b.GetProperty("path").GetString()!.StartsWith("linux/arm/v6 ", StringComparison.Ordinal));
        var v7 = Assert.Single(binaries, b => b.GetProperty("path").GetString()!.StartsWith("linux/arm/v7 ", StringComparison.Ordinal));
        var arm64 = Assert.Single(binaries, b => b.GetProperty("path").GetString()!.StartsWith("linux/arm64/v8 ", StringComparison.Ordinal));
        Assert.Equal(("pi1", "6"), (v6.GetProperty("target").GetString(), v6.GetProperty("goarm").GetString()));
        Assert.Equal(("pi2", "7"), (v7.GetProperty("target").GetString(), v7.GetProperty("goarm").GetString()));
        Assert.NotEqual("pi1", arm64.GetProperty("target").GetString());
        Assert.Equal("arm64", arm64.GetProperty("goarch").GetString());

        var table = await PiBuild("verify", "--target", "pi1", $"oci:{layout}:latest");
        Assert.Matches(@"(?m)^pi2 +linux/arm/v7 /usr/local/bin/helloworld .*GOARM=7 +verified$", table.AssertSucceeded().StandardOutput);
        Assert.Matches(@"(?m)^pi1 +linux/arm/v6 /usr/local/bin/helloworld .*GOARM=6 +verified$", table.StandardOutput);
    }

    [Fact]
    public async Task An_image_whose_layers_skopeo_recompressed_with_zstd_is_verified_and_serves_as_a_base()
    {
        var hello = Repository.CopyExample("hello", _dir.Path);
        var layout = _dir.Combine("layout");
        (await Run.PiBuildAsync(["-C", hello, "image", "--target", "pi1,pi2", "-o", layout], _dir.Path, cache.Environment())).AssertSucceeded();
        var zstd = $"{_registry.Host}/hello:zstd";
        (await Run.ProgramAsync("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", "--dest-compress", "--dest-compress-format", "zstd", $"oci:{layout}:latest", $"docker://{zstd}"])).AssertSucceeded();
        var index = JsonNode.Parse((await Run.ProgramAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{zstd}"])).AssertSucceeded().StandardOutput)!;
        var first = (string)index["manifests"]![0]!["digest"]!;
        var manifest = await Run.ProgramAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/hello@{first}"]);
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+zstd", manifest.AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        var verified = await PiBuild("verify", "--target", "pi1", $"docker://{zstd}");
        Assert.Contains("linux/arm/v6 /usr/local/bin/helloworld", verified.AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        var sensors = Repository.CopyExample("sensors", _dir.Path);
        var yaml = Path.Combine(sensors, "pibuild.yaml");
        await File.WriteAllTextAsync(yaml, await File.ReadAllTextAsync(yaml) + $"image:\n  command: sensord\n  base: {zstd}\n");
        var onBase = _dir.Combine("on-base");
        (await Run.PiBuildAsync(["-C", sensors, "image", "--target", "pi1", "-o", onBase], _dir.Path, cache.Environment())).AssertSucceeded();
        (await PiBuild("verify", "--target", "pi1", $"oci:{onBase}:latest")).AssertSucceeded();
    }

    /// <summary>Debian's busybox-static for an architecture, unpacked from the .deb scripts/test.sh downloaded.</summary>
    private async Task<string> BusyboxAsync(string arch)
    {
        var debs = System.Environment.GetEnvironmentVariable("PIBUILD_TEST_DEBS") is { Length: > 0 } d ? d : "/var/cache/pibuild-tests/debs";
        var deb = Directory.Exists(debs) ? Directory.EnumerateFiles(debs, $"busybox-static_*_{arch}.deb").FirstOrDefault() : null;
        Assert.True(deb is not null, $"no busybox-static_*_{arch}.deb in {debs}: run the tests with scripts/test.sh, which downloads it");
        var root = _dir.Combine("busybox-" + arch);
        (await Run.ProgramAsync("dpkg-deb", ["-x", deb!, root])).AssertSucceeded();
        return Path.Combine(root, "bin", "busybox");
    }

    /// <summary>An image as umoci makes one (one manifest, no index) holding <paramref name="file"/> as /bin/busybox, its config saying linux/arm/VARIANT.</summary>
    private async Task<string> BusyboxImageAsync(string file, string variant, string name)
    {
        var layout = _dir.Combine("umoci-" + name);
        (await Run.ProgramAsync("umoci", ["init", "--layout", layout])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["new", "--image", $"{layout}:b"])).AssertSucceeded();
        var bundle = _dir.Combine("bundle-" + name);
        (await Run.ProgramAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:b", bundle])).AssertSucceeded();
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin"));
        File.Copy(file, Path.Combine(bundle, "rootfs", "bin", "busybox"));
        (await Run.ProgramAsync("umoci", ["repack", "--image", $"{layout}:b", bundle])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["config", "--image", $"{layout}:b", "--architecture", "arm", "--os", "linux"])).AssertSucceeded();

        // umoci config sets no variant: written into the config, and the digests above it renewed.
        JsonNode Blob(string digest) => JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..])))!;
        string Write(JsonNode node, JsonNode descriptor)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
            File.WriteAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]), bytes);
            descriptor["digest"] = digest;
            descriptor["size"] = bytes.Length;
            return digest;
        }

        var top = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        var manifest = Blob((string)top["manifests"]![0]!["digest"]!);
        var config = Blob((string)manifest["config"]!["digest"]!);
        config["variant"] = variant;
        Write(config, manifest["config"]!);
        Write(manifest, top["manifests"]![0]!);
        await File.WriteAllTextAsync(Path.Combine(layout, "index.json"), top.ToJsonString());
        return $"oci:{layout}:b";
    }

    [Fact]
    public async Task Busybox_that_is_not_a_Go_program_gets_the_same_verdict_as_a_file_and_inside_an_image()
    {
        var armel = await BusyboxAsync("armel");
        var armhf = await BusyboxAsync("armhf");

        // Debian's armel build is ARMv5TE code, which an ARM1176 runs: verified for a Pi 1, as a file and in an image.
        var file = await PiBuild("verify", "--target", "pi1", armel);
        Assert.Contains("not a Go program, ARMv5TE code", file.AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        var image = await PiBuild("verify", "--target", "pi1", await BusyboxImageAsync(armel, "v6", "armel"));
        Assert.Contains("linux/arm/v6 /bin/busybox", image.AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        Assert.Contains("not a Go program, ARMv5TE code", image.StandardOutput, StringComparison.Ordinal);

        // The armhf build is ARMv7 code: verified for a Pi 2, refused for a Pi 1 by the same rule, file or image.
        (await PiBuild("verify", "--target", "pi2", armhf)).AssertSucceeded();
        (await PiBuild("verify", "--target", "pi2", await BusyboxImageAsync(armhf, "v7", "armhf"))).AssertSucceeded();
        var refusedFile = await PiBuild("verify", "--target", "pi1", armhf);
        refusedFile.AssertExit(1);
        Assert.Contains("CPU architecture: the linked code needs ARMv7", refusedFile.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("sysroot", refusedFile.StandardError, StringComparison.Ordinal);
        var mislabelled = await BusyboxImageAsync(armhf, "v6", "armhf-as-v6");
        var refusedImage = await PiBuild("verify", "--target", "pi1", mislabelled);
        refusedImage.AssertExit(1);
        var line = Assert.Single(refusedImage.StandardError.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"pibuild: {mislabelled}: the linux/arm/v6 entry's /bin/busybox will not run on a Raspberry Pi 1 Model B+ (pi1): CPU architecture: the linked code needs ARMv7", line, StringComparison.Ordinal);
        Assert.EndsWith("the image needs that entry rebuilt for pi1", line, StringComparison.Ordinal);

        // --go-only demands Go build info, of a file and of an image alike.
        var goOnly = await PiBuild("verify", "--target", "pi1", "--go-only", armel);
        goOnly.AssertExit(1);
        Assert.Contains("no Go build info found", goOnly.StandardError, StringComparison.Ordinal);
        (await PiBuild("verify", "--target", "pi1", "--go-only", await BusyboxImageAsync(armel, "v6", "armel-go-only"))).AssertExit(1);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Dispose();
    }
}
