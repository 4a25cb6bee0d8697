using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Images;

/// <summary>
/// A registry written to lie, on loopback (the raw-socket test server answering the distribution API as each case
/// needs): digests that are paths, manifests that are not what their digest says, sizes exceeded, silence, endless
/// documents, hostile token realms. Each is refused in one line, nothing is written outside pibuild's own space and
/// no byte is requested that a checked digest did not name.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class HostileRegistryTests(SharedGoCache cache) : IAsyncLifetime
{
    private const string IndexType = "application/vnd.oci.image.index.v1+json";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";
    private const string ConfigType = "application/vnd.oci.image.config.v1+json";
    private const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip";

    private readonly TempDirectory _dir = new();
    private readonly TestHttpServer _server = new();

    public Task InitializeAsync()
    {
        _server.Serve("v2/", "{}"u8.ToArray());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string Image(string repository = "h", string tag = "1") => $"{_server.Address}/{repository}:{tag}";

    /// <summary>Short bounds, so a case that waits is over in seconds: the same rules, smaller numbers.</summary>
    private Dictionary<string, string?> Environment()
    {
        var env = cache.Environment();
        env["PIBUILD_IDLE_TIMEOUT"] = "1";
        env["PIBUILD_FETCH_ATTEMPTS"] = "2";
        env["PIBUILD_SPEED_TIME"] = "2";

        // Its own download store: a layer another test pulled must not spare this one the registry.
        env["PIBUILD_CACHE_DIR"] = _dir.Combine("cache");
        return env;
    }

    private static Misbehaviour Typed(string type, Misbehaviour? behaviour = null) => (behaviour ?? new Misbehaviour()) with { Headers = [$"Content-Type: {type}", .. behaviour?.Headers ?? []] };

    private static string Digest(byte[] body) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));

    private static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string Entry(string digest, long size, string variant = "v6", string arch = "arm") =>
        $"{{\"mediaType\":\"{ManifestType}\",\"digest\":\"{digest}\",\"size\":{size},\"platform\":{{\"architecture\":\"{arch}\",\"os\":\"linux\",\"variant\":\"{variant}\"}}}}";

    private static byte[] Index(params string[] entries) => Bytes($"{{\"schemaVersion\":2,\"mediaType\":\"{IndexType}\",\"manifests\":[{string.Join(",", entries)}]}}");

    private static byte[] Manifest(string configDigest, long configSize, params (string Digest, long Size)[] layers) => Bytes(
        $"{{\"schemaVersion\":2,\"mediaType\":\"{ManifestType}\",\"config\":{{\"mediaType\":\"{ConfigType}\",\"digest\":\"{configDigest}\",\"size\":{configSize}}},\"layers\":[{string.Join(",", layers.Select(l => $"{{\"mediaType\":\"{LayerType}\",\"digest\":\"{l.Digest}\",\"size\":{l.Size}}}"))}]}}");

    private void ServeIndex(byte[] index, string repository = "h", string tag = "1") => _server.Serve($"v2/{repository}/manifests/{tag}", index, Typed(IndexType));

    private void ServeManifest(byte[] manifest, string repository = "h") => _server.Serve($"v2/{repository}/manifests/{Digest(manifest)}", manifest, Typed(ManifestType));

    private void ServeBlob(byte[] blob, string repository = "h") => _server.Serve($"v2/{repository}/blobs/{Digest(blob)}", blob);

    private async Task<RunResult> VerifyAsync(string target, string image, Dictionary<string, string?>? env = null) =>
        await Run.PiBuildAsync(["verify", "--target", target, $"docker://{image}"], _dir.Path, env ?? Environment(), TimeSpan.FromMinutes(5));

    private static string OneLine(RunResult result) => Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));

    /// <summary>A real image of examples/hello for the boards, as an OCI layout pibuild wrote, served blob by blob.</summary>
    private async Task<(JsonNode Index, Dictionary<string, JsonNode> Manifests, Dictionary<string, byte[]> Bodies, string Layout)> ServeRealImageAsync(string targets, string repository = "h")
    {
        var project = Repository.CopyExample("hello", _dir.Combine("project-" + repository));
        var layout = _dir.Combine("layout-" + repository);
        (await Run.PiBuildAsync(["-C", project, "image", "--target", targets, "--tag", "hello:1", "-o", layout], _dir.Path, cache.Environment())).AssertSucceeded();
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        var top = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(layout, "index.json")))!;
        var indexBody = await File.ReadAllBytesAsync(Blob((string)top["manifests"]![0]!["digest"]!));
        var index = JsonNode.Parse(indexBody)!;
        var manifests = new Dictionary<string, JsonNode>();
        var bodies = new Dictionary<string, byte[]>();
        foreach (var entry in index["manifests"]!.AsArray())
        {
            var digest = (string)entry!["digest"]!;
            var body = await File.ReadAllBytesAsync(Blob(digest));
            ServeManifest(body, repository);
            var manifest = JsonNode.Parse(body)!;
            manifests[(string)entry["platform"]!["variant"]!] = manifest;
            bodies[(string)entry["platform"]!["variant"]!] = body;
            foreach (var blob in new[] { manifest["config"]! }.Concat(manifest["layers"]!.AsArray().Select(l => l!)))
            {
                ServeBlob(await File.ReadAllBytesAsync(Blob((string)blob["digest"]!)), repository);
            }
        }

        ServeIndex(indexBody, repository);
        return (index, manifests, bodies, layout);
    }

    [Fact]
    public async Task A_base_image_whose_layer_digest_is_a_path_writes_nothing_anywhere_and_is_refused_in_one_line()
    {
        var target = _dir.Combine("outside", "pwned");
        var config = Bytes("{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{}}");
        ServeBlob(config, "base");
        var manifest = Manifest(Digest(config), config.Length, ("sha256:../../../../../../../../../../.." + target, 532_479));
        ServeManifest(manifest, "base");
        ServeIndex(Index(Entry(Digest(manifest), manifest.Length)), "base");
        _server.Serve("v2/base/blobs/sha256:../../../../../../../../../../.." + target, new byte[532_479]);

        var project = Repository.CopyExample("hello", _dir.Path);
        await File.AppendAllTextAsync(Path.Combine(project, "pibuild.yaml"), $"image:\n  base: {Image("base")}\n");
        var result = await Run.PiBuildAsync(["-C", project, "image", "--target", "pi1", "--tag", "hello:1", "-o", _dir.Combine("layout")], _dir.Path, Environment());

        result.AssertExit(1);
        Assert.Contains("which is not sha256: and 64 lower-case hex digits", OneLine(result), StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(Directory.Exists(_dir.Combine("outside")));
        Assert.Equal(0, _server.RequestCount("v2/base/blobs/sha256:../../../../../../../../../../.." + target));
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("x")]
    [InlineData("sha256:/tmp/x/pwned")]
    [InlineData("sha512:0123")]
    [InlineData("sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    public async Task An_index_entry_whose_digest_is_not_sha256_hex_is_refused_before_anything_is_requested(string digest)
    {
        ServeIndex(Index(Entry(digest, 100)));
        var result = await VerifyAsync("pi1", Image());
        result.AssertExit(1);
        var line = OneLine(result);
        Assert.Contains("is not sha256: and 64 lower-case hex digits", line, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", line, StringComparison.Ordinal);
        // GET /v2/ and the tag, nothing that the bad digest named.
        Assert.Equal(0, _server.TotalRequests - _server.RequestCount("v2/") - _server.RequestCount("v2/h/manifests/1"));
    }

    [Fact]
    public async Task A_registry_that_answers_a_manifest_digest_with_another_manifest_is_caught_and_its_GOARM_7_layer_never_judged_as_GOARM_6()
    {
        var (_, _, bodies, _) = await ServeRealImageAsync("pi1,pi2");
        // The index still names the v6 manifest; the registry answers that digest with the v7 one.
        _server.Serve($"v2/h/manifests/{Digest(bodies["v6"])}", bodies["v7"], Typed(ManifestType));

        var result = await VerifyAsync("pi1", Image());
        result.AssertExit(1);
        Assert.Contains($"answered the manifest {Digest(bodies["v6"])[..19]}… of {_server.Address}/h with a document whose digest is {Digest(bodies["v7"])[..19]}…", OneLine(result), StringComparison.Ordinal);
        Assert.DoesNotContain("verified", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_or_layer_longer_than_its_declared_size_is_refused_as_soon_as_it_is_longer()
    {
        var (index, manifests, _, _) = await ServeRealImageAsync("pi1");
        // The index says the manifest is 100 bytes.
        var entry = index["manifests"]![0]!;
        entry["size"] = 100;
        ServeIndex(Bytes(index.ToJsonString()));
        var manifestTooLong = await VerifyAsync("pi1", Image());
        manifestTooLong.AssertExit(1);
        Assert.Contains("than the 100 bytes pibuild accepts", OneLine(manifestTooLong), StringComparison.Ordinal);

        // The manifest says its layer is 1 KiB; the layer is what it is (hundreds of KiB).
        var manifest = manifests["v6"];
        var layer = manifest["layers"]![0]!;
        layer["size"] = 1024;
        var lying = Bytes(manifest.ToJsonString());
        ServeManifest(lying);
        entry["digest"] = Digest(lying);
        entry["size"] = lying.Length;
        ServeIndex(Bytes(index.ToJsonString()));
        var layerTooLong = await VerifyAsync("pi1", Image());
        layerTooLong.AssertExit(1);
        Assert.Contains("bytes where 1024 were declared", OneLine(layerTooLong), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_with_eighteen_thousand_copies_of_one_entry_pulls_it_once_and_says_how_many_it_skipped()
    {
        var (index, _, _, _) = await ServeRealImageAsync("pi1");
        var entry = index["manifests"]![0]!.ToJsonString();
        ServeIndex(Bytes($"{{\"schemaVersion\":2,\"mediaType\":\"{IndexType}\",\"manifests\":[{string.Join(",", Enumerable.Repeat(entry, 18_000))}]}}"));

        var result = await VerifyAsync("pi1", Image());
        result.AssertSucceeded();
        Assert.Contains("17999 index entries skipped", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount($"v2/h/manifests/{(string)index["manifests"]![0]!["digest"]!}"));
    }

    [Fact]
    public async Task A_second_verify_of_the_same_image_downloads_no_layer()
    {
        var (_, manifests, _, _) = await ServeRealImageAsync("pi1");
        (await VerifyAsync("pi1", Image())).AssertSucceeded();
        (await VerifyAsync("pi1", Image())).AssertSucceeded();
        Assert.Equal(1, _server.RequestCount($"v2/h/blobs/{(string)manifests["v6"]["layers"]![0]!["digest"]!}"));
    }

    [Fact]
    public async Task An_image_without_ELF_files_is_not_called_verified()
    {
        var config = Bytes("{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v6\"}");
        ServeBlob(config);
        var layer = await TarGzOfAsync(("etc/motd", "hello\n"u8.ToArray()));
        ServeBlob(layer);
        var manifest = Manifest(Digest(config), config.Length, (Digest(layer), layer.Length));
        ServeManifest(manifest);
        ServeIndex(Index(Entry(Digest(manifest), manifest.Length)));

        var result = await VerifyAsync("pi1", Image());
        result.AssertExit(1);
        Assert.Contains("holds no ELF files", OneLine(result), StringComparison.Ordinal);
    }

    public static TheoryData<string> Bounds() => ["a silent manifest", "an endless manifest", "an endless token", "a layer that stops after its headers", "an endless error body"];

    [Theory]
    [MemberData(nameof(Bounds))]
    public async Task Silence_and_endless_answers_are_bounded_and_refused_in_one_line(string kind)
    {
        string expected;
        switch (kind)
        {
            case "a silent manifest":
                _server.Serve("v2/h/manifests/1", [], new Misbehaviour { SilentTimes = 100 });
                expected = "sent no answer within";
                break;
            case "an endless manifest":
                _server.Serve("v2/h/manifests/1", new byte[64 << 10], Typed(IndexType, new Misbehaviour { Endless = true }));
                expected = "larger than the 4 MiB pibuild accepts";
                break;
            case "an endless token":
                _server.Serve("v2/h/manifests/1", [], new Misbehaviour { Status = 401, Headers = [$"WWW-Authenticate: Bearer realm=\"{_server.Url("token")}\",service=\"x\""] });
                _server.Serve("token", new byte[64 << 10], Typed("application/json", new Misbehaviour { Endless = true }));
                expected = "larger than the 1 MiB pibuild accepts";
                break;
            case "a layer that stops after its headers":
                var (_, manifests, _, layout) = await ServeRealImageAsync("pi1");
                var layer = (string)manifests["v6"]["layers"]![0]!["digest"]!;
                var bytes = await File.ReadAllBytesAsync(Path.Combine(layout, "blobs", "sha256", layer["sha256:".Length..]));
                _server.Serve($"v2/h/blobs/{layer}", bytes, new Misbehaviour { StallAfterBytes = 0, DropTimes = 100 });
                expected = "the server sent nothing for 1 s";
                break;
            default:
                _server.Serve("v2/h/manifests/1", new byte[64 << 10], new Misbehaviour { Endless = true, Status = 400 });
                expected = "would not read the manifest 1";
                break;
        }

        var result = await VerifyAsync("pi1", Image());
        result.AssertExit(1);
        var line = OneLine(result);
        Assert.True(line.Contains(expected, StringComparison.Ordinal), line);
        Assert.DoesNotContain("unexpected", line, StringComparison.Ordinal);
        Assert.True(_server.BytesSent("v2/h/manifests/1") < 64L << 20, $"the server sent {_server.BytesSent("v2/h/manifests/1")} bytes before pibuild stopped reading");
        Assert.True(_server.BytesSent("token") < 64L << 20, $"the token service sent {_server.BytesSent("token")} bytes before pibuild stopped reading");
    }

    public static TheoryData<string, string> Realms() => new()
    {
        { "realm=\"file:///etc/passwd\"", "which is not an http(s) address" },
        { "realm=\"ftp://127.0.0.1/token\"", "which is not an http(s) address" },
        { "realm=\"/token\"", "which is not an http(s) address" },
        { "realm=\"http://127.0.0.1:9/token\"", "cannot get a token from the token service http://127.0.0.1:9/token" },
        { "realm=\"HTML\"", "answered something that is not a token" },
        { "realm=\"CRLF\"", "a token with characters a bearer token cannot hold" },
        { "service=\"x\"", "names no realm" },
    };

    [Theory]
    [MemberData(nameof(Realms))]
    public async Task A_hostile_token_realm_or_token_is_one_line_naming_the_registry(string challenge, string expected)
    {
        challenge = challenge.Replace("HTML", _server.Url("html"), StringComparison.Ordinal).Replace("CRLF", _server.Url("crlf"), StringComparison.Ordinal);
        _server.Serve("html", "<html><body>login</body></html>"u8.ToArray(), Typed("text/html"));
        _server.Serve("crlf", "{\"token\":\"abc\\r\\nX-Evil: 1\"}"u8.ToArray(), Typed("application/json"));
        _server.Serve("v2/h/manifests/1", [], new Misbehaviour { Status = 401, Headers = [$"WWW-Authenticate: Bearer {challenge}"] });
        var env = Environment();
        env["PIBUILD_REGISTRY_AUTH"] = "jane:s3cret";

        var result = await VerifyAsync("pi1", Image(), env);
        result.AssertExit(1);
        var line = OneLine(result);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains(_server.Address, line, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_registry_naming_a_plain_http_token_realm_on_another_host_gets_no_login_sent_there()
    {
        await using var recorder = new TestHttpServer(IPAddress.Parse("127.0.0.3"));
        recorder.Serve("token", "{\"token\":\"stolen\"}"u8.ToArray(), Typed("application/json"));
        using var registry = OciRegistry.StartSecuredWithTokenRealm(recorder.Url("token"));
        var env = Environment();
        env["SSL_CERT_FILE"] = registry.CaFile;
        env["PIBUILD_REGISTRY_AUTH"] = $"{OciRegistry.User}:{OciRegistry.Password}";

        var result = await VerifyAsync("pi1", $"{registry.Host}/hello:1", env);
        result.AssertExit(1);
        Assert.Contains("is reached over https but names a token realm on plain http", OneLine(result), StringComparison.Ordinal);
        Assert.Equal(0, recorder.TotalRequests);
        Assert.Empty(recorder.Authorizations);
    }

    [Fact]
    public async Task A_reference_with_a_port_out_of_range_or_a_newline_is_one_line()
    {
        var port = await Run.PiBuildAsync(["verify", "--target", "pi1", "docker://127.0.0.1:99999/good:1"], _dir.Path, Environment());
        port.AssertExit(2);
        Assert.Contains("names the port 99999", OneLine(port), StringComparison.Ordinal);

        var newline = await Run.PiBuildAsync(["verify", "--target", "pi1", "docker://127.0.0.1:5000/good\n:1"], _dir.Path, Environment());
        newline.AssertExit(2);
        Assert.Contains("good\\n:1", OneLine(newline), StringComparison.Ordinal);
    }

    private async Task<byte[]> TarGzOfAsync(params (string Name, byte[] Content)[] files)
    {
        var root = _dir.Combine("tree-" + Guid.NewGuid().ToString("N"));
        foreach (var (name, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, name))!);
            await File.WriteAllBytesAsync(Path.Combine(root, name), content);
        }

        var archive = root + ".tar.gz";
        (await Run.ProgramAsync("tar", ["-czf", archive, "-C", root, "."])).AssertSucceeded();
        return await File.ReadAllBytesAsync(archive);
    }
}
