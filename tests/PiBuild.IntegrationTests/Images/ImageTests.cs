using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Images;

/// <summary>
/// pibuild image against Debian's docker-registry on loopback, judged by skopeo and umoci: what an ARMv6, ARMv7 or
/// ARMv8 client pulls runs on that board's CPU under qemu-user; and pibuild verify of any index.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class ImageTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OciRegistry _registry = OciRegistry.Start();

    private string Tag(string repository = "hello", string tag = "1.0") => $"{_registry.Host}/{repository}:{tag}";

    private async Task<RunResult> PiBuildAsync(string project, Dictionary<string, string?>? env, params string[] args) =>
        await Run.PiBuildAsync(["-C", project, .. args], _dir.Path, env ?? cache.Environment());

    private async Task<(string[] Args, int Uid, string Rootfs)> PullAsync(string reference, string arch, string variant, string name)
    {
        var layout = _dir.Combine("pulled-" + name);
        (await Run.ProgramAsync("skopeo", ["copy", "-q", "--src-tls-verify=false", "--override-os", "linux", "--override-arch", arch, "--override-variant", variant, $"docker://{reference}", $"oci:{layout}:x"])).AssertSucceeded();
        var bundle = _dir.Combine("bundle-" + name);
        (await Run.ProgramAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:x", bundle])).AssertSucceeded();
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "config.json")));
        var process = config.RootElement.GetProperty("process");
        return (process.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray(), process.GetProperty("user").GetProperty("uid").GetInt32(), Path.Combine(bundle, "rootfs"));
    }

    [Fact]
    public async Task An_image_for_three_boards_pulled_by_each_platform_runs_its_entrypoint_on_that_boards_CPU_ARMv6_first()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await PiBuildAsync(project, null, "image", "--target", "pi4,pi2,pi1", "--tag", Tag(), "--push", "--json");
        result.AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Matches("^sha256:[0-9a-f]{64}$", json.RootElement.GetProperty("digest").GetString());
        Assert.Equal(["linux/arm/v6", "linux/arm/v7", "linux/arm64/v8"], json.RootElement.GetProperty("platforms").EnumerateArray().Select(p => p.GetProperty("platform").GetString()));

        // The index as a registry client reads it: ARMv6 first, so a client that ignores variants runs everywhere.
        var raw = await Run.ProgramAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{Tag()}"]);
        raw.AssertSucceeded();
        var index = JsonNode.Parse(raw.StandardOutput)!;
        Assert.Equal(json.RootElement.GetProperty("digest").GetString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw.StandardOutput.TrimEnd((char)10)))));
        Assert.Equal(["v6", "v7", "v8"], index["manifests"]!.AsArray().Select(m => (string)m!["platform"]!["variant"]!));

        foreach (var (arch, variant, cpu, goarm) in new[] { ("arm", "v6", "arm1176", "GOARM=6"), ("arm", "v7", "cortex-a7", "GOARM=7"), ("arm64", "v8", "cortex-a72", "linux/arm64") })
        {
            var (args, uid, rootfs) = await PullAsync(Tag(), arch, variant, variant);
            Assert.Equal(["/usr/local/bin/helloworld"], args);
            Assert.Equal(65532, uid);
            Assert.True(File.Exists(Path.Combine(rootfs, "etc", "ssl", "certs", "ca-certificates.crt")));
            Assert.Contains("nonroot:x:65532:", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc", "passwd")), StringComparison.Ordinal);
            var binary = Path.Combine(rootfs, "usr", "local", "bin", "helloworld");
            Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync(cpu, binary)).StandardOutput);
            Assert.Contains(goarm, (await Run.PiBuildAsync(["verify", "--target", variant == "v6" ? "pi1" : variant == "v7" ? "pi2" : "pi4", binary], _dir.Path, cache.Environment())).StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_same_build_pushed_twice_has_the_same_digest_and_the_second_push_sends_no_blob()
    {
        var first = Repository.CopyExample("hello", _dir.Combine("a"));
        await GitRepository.CommitAllAsync(first, "image", tag: "v1.0.0");
        var second = _dir.Combine("b", "hello");
        await GitRepository.CloneAsync(first, second);

        var one = await PiBuildAsync(first, null, "image", "--target", "pi1,pi2", "--tag", Tag(), "--push", "--json");
        one.AssertSucceeded();
        var two = await PiBuildAsync(second, null, "image", "--target", "pi1,pi2", "--tag", Tag(), "--push", "--json");
        two.AssertSucceeded();
        using var a = JsonDocument.Parse(one.StandardOutput);
        using var b = JsonDocument.Parse(two.StandardOutput);
        Assert.Equal(a.RootElement.GetProperty("digest").GetString(), b.RootElement.GetProperty("digest").GetString());
        Assert.True(a.RootElement.GetProperty("blobs_sent").GetInt32() > 0);
        Assert.Equal(0, b.RootElement.GetProperty("blobs_sent").GetInt32());
        Assert.Equal(a.RootElement.GetProperty("blobs_sent").GetInt32(), b.RootElement.GetProperty("blobs_present").GetInt32());
    }

    [Fact]
    public async Task An_OCI_layout_written_with_o_is_read_by_skopeo_and_verified_by_pibuild_without_a_registry()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        await File.AppendAllTextAsync(Path.Combine(project, "pibuild.yaml"), "image:\n  command: sensord\n  ports: [\"8080\"]\n  labels: {org.opencontainers.image.title: sensors}\n  env: {SENSOR_INTERVAL: 10s}\n");
        var layout = _dir.Combine("layout");
        (await PiBuildAsync(project, null, "image", "--target", "pi1,pi2", "--tag", "sensors:2.0", "-o", layout)).AssertSucceeded();

        var config = await Run.ProgramAsync("skopeo", ["inspect", "--config", "--override-arch", "arm", "--override-variant", "v6", $"oci:{layout}:2.0"]);
        config.AssertSucceeded();
        using var document = JsonDocument.Parse(config.StandardOutput);
        var settings = document.RootElement.GetProperty("config");
        Assert.Equal(["/usr/local/bin/sensord"], settings.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.True(settings.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Equal("sensors", settings.GetProperty("Labels").GetProperty("org.opencontainers.image.title").GetString());
        Assert.Contains("SENSOR_INTERVAL=10s", settings.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("v6", document.RootElement.GetProperty("variant").GetString());

        var verified = await Run.PiBuildAsync(["verify", "--target", "pi0", $"oci:{layout}:2.0"], _dir.Path, cache.Environment());
        verified.AssertSucceeded();
        Assert.Contains("linux/arm/v6 /usr/local/bin/sensord", verified.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_of_an_index_whose_v6_entry_holds_GOARM_7_code_names_the_file_and_the_board_it_kills()
    {
        // Built by hand, as the reported images were: a GOARM=7 image whose index entry says linux/arm/v6.
        var project = Repository.CopyExample("hello", _dir.Path);
        var layout = _dir.Combine("layout");
        (await PiBuildAsync(project, null, "image", "--target", "pi2", "--tag", "hello:bad", "-o", layout)).AssertSucceeded();
        await RelabelAsync(layout, "v6");

        // Pushed with skopeo, an independent client, and verified from the registry.
        (await Run.ProgramAsync("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", $"oci:{layout}:bad", $"docker://{Tag("liar", "bad")}"])).AssertSucceeded();
        var result = await Run.PiBuildAsync(["verify", "--target", "pi0", $"docker://{Tag("liar", "bad")}"], _dir.Path, cache.Environment());
        result.AssertExit(1);
        var line = Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"pibuild: docker://{Tag("liar", "bad")}: the linux/arm/v6 entry's /usr/local/bin/helloworld is GOARM=7 code: it will die with SIGILL on a Raspberry Pi Zero", line, StringComparison.Ordinal);
        Assert.EndsWith("the image needs that entry rebuilt for pi0", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_on_a_base_holds_both_and_a_base_whose_v6_entry_is_ARMv7_code_stops_it_before_anything_is_pushed()
    {
        var hello = Repository.CopyExample("hello", _dir.Path);
        (await PiBuildAsync(hello, null, "image", "--target", "pi1,pi2", "--tag", Tag("base", "1"), "--push")).AssertSucceeded();
        var sensors = Repository.CopyExample("sensors", _dir.Path);
        var yaml = Path.Combine(sensors, "pibuild.yaml");
        var settings = await File.ReadAllTextAsync(yaml);
        await File.WriteAllTextAsync(yaml, settings + $"image:\n  command: sensord\n  base: {Tag("base", "1")}\n");
        (await PiBuildAsync(sensors, null, "image", "--target", "pi1,pi2", "--tag", Tag("sensors", "1"), "--push")).AssertSucceeded();

        var (args, _, rootfs) = await PullAsync(Tag("sensors", "1"), "arm", "v6", "on-base");
        Assert.Equal(["/usr/local/bin/sensord"], args);
        Assert.Equal("sensord: 21.5°C (linux/arm)\n", (await Qemu.RunAsync("arm1176", Path.Combine(rootfs, "usr", "local", "bin", "sensord"))).StandardOutput);
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", Path.Combine(rootfs, "usr", "local", "bin", "helloworld"))).StandardOutput);

        // A base built for pi2 only, its entry relabelled linux/arm/v6 by hand.
        (await PiBuildAsync(hello, null, "image", "--target", "pi2", "--tag", "hello:v7", "-o", _dir.Combine("v7"))).AssertSucceeded();
        await RelabelAsync(_dir.Combine("v7"), "v6");
        (await Run.ProgramAsync("skopeo", ["copy", "-q", "--all", "--dest-tls-verify=false", $"oci:{_dir.Combine("v7")}:v7", $"docker://{Tag("liar", "1")}"])).AssertSucceeded();
        await File.WriteAllTextAsync(yaml, settings + $"image:\n  command: sensord\n  base: {Tag("liar", "1")}\n");
        var refused = await PiBuildAsync(sensors, null, "image", "--target", "pi1", "--tag", Tag("sensors", "2"), "--push");
        refused.AssertExit(1);
        Assert.Contains("the linux/arm/v6 entry's /usr/local/bin/helloworld is GOARM=7 code: it will die with SIGILL on a Raspberry Pi 1", refused.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Run.ProgramAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{Tag("sensors", "2")}"])).ExitCode);
    }

    /// <summary>Rewrites a one-entry layout's index so its entry claims another variant, as a careless image build does.</summary>
    private static async Task RelabelAsync(string layout, string variant)
    {
        var top = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        var indexBlob = Path.Combine(layout, "blobs", "sha256", ((string)top["manifests"]![0]!["digest"]!)["sha256:".Length..]);
        var index = JsonNode.Parse(await File.ReadAllTextAsync(indexBlob))!;
        index["manifests"]![0]!["platform"]!["variant"] = variant;
        var lying = System.Text.Encoding.UTF8.GetBytes(index.ToJsonString());
        var digest = Convert.ToHexStringLower(SHA256.HashData(lying));
        await File.WriteAllBytesAsync(Path.Combine(layout, "blobs", "sha256", digest), lying);
        top["manifests"]![0]!["digest"] = "sha256:" + digest;
        top["manifests"]![0]!["size"] = lying.Length;
        await File.WriteAllTextAsync(Path.Combine(layout, "index.json"), top.ToJsonString());
    }

    [Fact]
    public async Task A_single_manifest_image_of_C_code_is_judged_by_its_own_C_library_and_its_linked_architecture()
    {
        // An image as umoci builds one: no index, the platform in its config, a C program for ARMv7 that asks for
        // musl's loader (the image would bring it, as Alpine's do).
        _dir.Write("c/hello.c", "int main(void) { return 0; }\n");
        (await Run.ProgramAsync("arm-linux-gnueabihf-gcc", ["-march=armv7-a", "-mfpu=neon-vfpv4", "-mfloat-abi=hard", "-Wl,--dynamic-linker=/lib/ld-musl-armhf.so.1", "-o", _dir.Combine("c", "hello"), _dir.Combine("c", "hello.c")])).AssertSucceeded();
        var layout = _dir.Combine("umoci");
        (await Run.ProgramAsync("umoci", ["init", "--layout", layout])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["new", "--image", $"{layout}:c"])).AssertSucceeded();
        // umoci 0.4.7's insert writes a layer that ends inside its entry (GNU tar says so too); unpack + repack is whole.
        var bundle = _dir.Combine("bundle");
        (await Run.ProgramAsync("umoci", ["unpack", "--rootless", "--image", $"{layout}:c", bundle])).AssertSucceeded();
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "usr", "bin"));
        File.Copy(_dir.Combine("c", "hello"), Path.Combine(bundle, "rootfs", "usr", "bin", "hello"));
        (await Run.ProgramAsync("umoci", ["repack", "--image", $"{layout}:c", bundle])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["config", "--image", $"{layout}:c", "--architecture", "arm", "--os", "linux"])).AssertSucceeded();

        // Its config says linux/arm with no variant: clients (podman, containerd) pull that as v7, and so is it judged.
        var pi2 = await Run.PiBuildAsync(["verify", "--target", "pi2", "--json", $"oci:{layout}:c"], _dir.Path, cache.Environment());
        using (var json = JsonDocument.Parse(pi2.AssertSucceeded().StandardOutput))
        {
            Assert.Equal("pi2", json.RootElement.GetProperty("binaries")[0].GetProperty("target").GetString());
        }

        var pi1 = await Run.PiBuildAsync(["verify", "--target", "pi1", $"oci:{layout}:c"], _dir.Path, cache.Environment());
        pi1.AssertExit(1);
        var line = Assert.Single(pi1.StandardError.TrimEnd('\n').Split('\n'));
        Assert.EndsWith("has no entry a pi1 (Raspberry Pi 1 Model B+) can pull: it needs linux/arm/v6 or lower, the image (one manifest, no index) is linux/arm (no variant: clients pull it as v7)", line, StringComparison.Ordinal);

        // umoci 0.4.7's insert writes a layer whose tar ends inside its entry: the digest matches, so it is the image
        // that is broken, and fetching again would change nothing.
        var inserted = _dir.Combine("inserted");
        (await Run.ProgramAsync("umoci", ["init", "--layout", inserted])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["new", "--image", $"{inserted}:c"])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["insert", "--image", $"{inserted}:c", _dir.Combine("c", "hello"), "/usr/bin/hello"])).AssertSucceeded();
        (await Run.ProgramAsync("umoci", ["config", "--image", $"{inserted}:c", "--architecture", "arm", "--os", "linux"])).AssertSucceeded();
        var broken = await Run.PiBuildAsync(["verify", "--target", "pi2", $"oci:{inserted}:c"], _dir.Path, cache.Environment());
        broken.AssertExit(1);
        var said = Assert.Single(broken.StandardError.TrimEnd('\n').Split('\n'));
        Assert.Contains("though its SHA-256 is the one expected, so fetching it again gives the same bytes", said, StringComparison.Ordinal);
        Assert.Contains($"oci:{inserted}:c is a broken image (umoci 0.4.7's insert writes such layers, opencontainers/umoci#436); it needs rebuilding", said, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch it again;", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_behind_TLS_with_logins_takes_the_push_with_credentials_and_refuses_without_in_one_line()
    {
        using var secured = OciRegistry.StartSecured();
        var project = Repository.CopyExample("hello", _dir.Path);
        var reference = $"{secured.Host}/hello:tls";
        var env = cache.Environment();
        env["SSL_CERT_FILE"] = secured.CaFile;
        env["DOCKER_CONFIG"] = _dir.Combine("docker");

        var refused = await PiBuildAsync(project, env, "image", "--target", "pi2", "--tag", reference, "--push");
        refused.AssertExit(2);
        Assert.Contains($"registry {secured.Host} wants a login", Assert.Single(refused.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);

        // docker login's file, as a user has it.
        var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{OciRegistry.User}:{OciRegistry.Password}"));
        _dir.Write("docker/config.json", $"{{\"auths\":{{\"{secured.Host}\":{{\"auth\":\"{auth}\"}}}}}}");
        (await PiBuildAsync(project, env, "image", "--target", "pi2", "--tag", reference, "--push")).AssertSucceeded();

        env["PIBUILD_REGISTRY_AUTH"] = $"{OciRegistry.User}:wrong";
        var wrong = await PiBuildAsync(project, env, "image", "--target", "pi2", "--tag", reference, "--push");
        wrong.AssertExit(2);
        Assert.Contains($"refused the login of {OciRegistry.User}", wrong.StandardError, StringComparison.Ordinal);

        env.Remove("PIBUILD_REGISTRY_AUTH");
        (await Run.PiBuildAsync(["verify", "--target", "pi2", $"docker://{reference}"], _dir.Path, env)).AssertSucceeded();
    }

    [Fact]
    public async Task A_registry_with_Bearer_tokens_takes_a_push_for_the_login_and_refuses_a_wrong_one()
    {
        using var tokens = OciRegistry.StartWithTokens();
        var project = Repository.CopyExample("hello", _dir.Path);
        var reference = $"{tokens.Host}/hello:token";
        var env = cache.Environment();
        env["PIBUILD_REGISTRY_AUTH"] = $"{OciRegistry.User}:{OciRegistry.Password}";
        (await PiBuildAsync(project, env, "image", "--target", "pi1", "--tag", reference, "--push")).AssertSucceeded();
        Assert.True(tokens.TokensIssued > 0);
        (await Run.PiBuildAsync(["verify", "--target", "pi1", $"docker://{reference}"], _dir.Path, env)).AssertSucceeded();

        env["PIBUILD_REGISTRY_AUTH"] = $"{OciRegistry.User}:wrong";
        var wrong = await PiBuildAsync(project, env, "image", "--target", "pi1", "--tag", reference, "--push");
        wrong.AssertExit(2);
        Assert.Contains($"refused the login of {OciRegistry.User}", Assert.Single(wrong.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:9/hello:1.0", 1, "cannot reach registry 127.0.0.1:9")]
    [InlineData("127.0.0.1:5000/Hello:1.0", 2, "is not an image reference")]
    [InlineData("127.0.0.1:5000/hello", 2, "needs a tag")]
    public async Task A_registry_that_is_down_or_a_bad_reference_is_one_line(string reference, int exit, string message)
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await PiBuildAsync(project, null, "image", "--target", "pi2", "--tag", reference, "--push");
        result.AssertExit(exit);
        Assert.Contains(message, Assert.Single(result.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Dispose();
    }
}
