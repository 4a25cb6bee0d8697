using System.Security.Cryptography;
using System.Text;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Fetching;

/// <summary>pibuild fetch against a real HTTP server on loopback that can be told to misbehave.</summary>
public sealed class DownloadTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly TestHttpServer _server = new();
    private readonly byte[] _payload = Payload(3 * 1024 * 1024, seed: 1);

    private string Cache => _dir.Combine("cache");

    private string Store => Path.Combine(Cache, "pibuild", "downloads", "sha256");

    private string PartialDirectory => Path.Combine(Cache, "pibuild", "downloads", "partial");

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private Dictionary<string, string?> Env() => new() { ["XDG_CACHE_HOME"] = Cache, ["PIBUILD_CACHE_DIR"] = null };

    private Task<RunResult> Fetch(params string[] args) => Run.PiBuildAsync(["fetch", .. args], _dir.Path, Env());

    private string[] StoreFiles() => Directory.Exists(Store) ? Directory.GetFiles(Store).Select(p => Path.GetFileName(p)).ToArray() : [];

    [Fact]
    public async Task A_download_with_its_checksum_lands_in_the_store_under_that_checksum()
    {
        _server.Serve("go.tar.gz", _payload);
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        result.AssertSucceeded();
        Assert.Contains($"go.tar.gz  3.0 MiB  sha256 {Sha(_payload)}  (sha256 matches --sha256)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal([Sha(_payload)], StoreFiles());
        Assert.Equal(_payload, await File.ReadAllBytesAsync(Path.Combine(Store, Sha(_payload))));
        Assert.Empty(Directory.GetFiles(PartialDirectory));
    }

    [Fact]
    public async Task A_second_fetch_of_the_same_checksum_is_served_from_the_store_without_the_network()
    {
        _server.Serve("go.tar.gz", _payload);
        (await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload))).AssertSucceeded();
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));

        var again = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload), "--json");
        again.AssertSucceeded();
        Assert.Contains("\"origin\": \"store\"", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));
    }

    [Fact]
    public async Task A_broken_connection_is_resumed_with_a_range_request()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { DropAfterBytes = 1_000_000 });
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        result.AssertSucceeded();
        var ranges = _server.RangesRequested("go.tar.gz");
        Assert.Equal(2, ranges.Count);
        Assert.Null(ranges[0]);
        Assert.Matches(@"^bytes=\d+-$", ranges[1]);
        Assert.Equal([Sha(_payload)], StoreFiles());
    }

    [Fact]
    public async Task A_server_that_ignores_range_makes_the_download_start_over_and_still_verify()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { DropAfterBytes = 1_000_000, IgnoreRange = true });
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        result.AssertSucceeded();
        Assert.Equal(2, _server.RequestCount("go.tar.gz"));
        Assert.Equal(_payload, await File.ReadAllBytesAsync(Path.Combine(Store, Sha(_payload))));
    }

    [Fact]
    public async Task A_file_that_changed_between_requests_is_downloaded_anew_not_spliced()
    {
        var replacement = Payload(_payload.Length, seed: 2);
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { DropAfterBytes = 1_000_000, ReplaceAfterRequests = 1, ReplacementContent = replacement });
        var result = await Fetch(_server.Url("go.tar.gz"), "--insecure");
        result.AssertSucceeded();

        // If-Range carried the old ETag: the server answered the whole new file, and pibuild started over.
        Assert.Equal([Sha(replacement)], StoreFiles());
        Assert.Contains($"pin it with --sha256 {Sha(replacement)}", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { FailStatus = 500, FailTimes = 2 });
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        result.AssertSucceeded();
        Assert.Equal(3, _server.RequestCount("go.tar.gz"));
    }

    [Fact]
    public async Task A_Content_Length_larger_than_the_body_is_a_broken_transfer_that_resumes()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { DeclaredLength = _payload.Length + 4096, DropAfterBytes = _payload.Length });
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));

        // The second answer is honest; what arrived first is kept, and the result verifies.
        result.AssertSucceeded();
        Assert.Equal([Sha(_payload)], StoreFiles());
    }

    [Fact]
    public async Task A_slow_server_is_waited_for()
    {
        var small = Payload(512 * 1024, seed: 3);
        _server.Serve("slow.bin", small, new Misbehaviour { ChunkDelay = TimeSpan.FromMilliseconds(100) });
        var result = await Fetch(_server.Url("slow.bin"), "--sha256", Sha(small));
        result.AssertSucceeded();
    }

    [Fact]
    public async Task A_checksum_mismatch_fails_with_both_digests_and_leaves_the_store_unchanged()
    {
        _server.Serve("go.tar.gz", _payload);
        var wrong = Sha("something else"u8.ToArray());
        var result = await Fetch(_server.Url("go.tar.gz"), "--sha256", wrong);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"pibuild: checksum mismatch for go.tar.gz: expected {wrong}, got {Sha(_payload)}; the download was discarded\n", result.StandardError);
        Assert.Empty(StoreFiles());
        Assert.Empty(Directory.GetFiles(PartialDirectory));
    }

    [Fact]
    public async Task A_missing_file_is_HTTP_404_and_exit_1()
    {
        var result = await Fetch(_server.Url("nope.tar.gz"), "--sha256", Sha(_payload));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"pibuild: HTTP 404 Not Found for {_server.Url("nope.tar.gz")}; check the URL\n", result.StandardError);
    }

    [Fact]
    public async Task A_remote_file_without_a_known_checksum_is_refused_unless_insecure()
    {
        _server.Serve("go.tar.gz", _payload);
        var refused = await Fetch(_server.Url("go.tar.gz"));
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith($"pibuild: no checksum is known for {_server.Url("go.tar.gz")}: pass --sha256 HEX", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount("go.tar.gz"));

        var insecure = await Fetch(_server.Url("go.tar.gz"), "--insecure");
        Assert.Equal(0, insecure.ExitCode);
        Assert.Contains($"sha256 {Sha(_payload)}  (not verified: --insecure)", insecure.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"pin it with --sha256 {Sha(_payload)}", insecure.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checksum_can_come_from_a_sha256_sidecar()
    {
        _server.Serve("go.tar.gz", _payload);
        _server.Serve("go.tar.gz.sha256", Encoding.ASCII.GetBytes($"{Sha(_payload)}  go.tar.gz\n"));
        var result = await Fetch(_server.Url("go.tar.gz"));
        result.AssertSucceeded();
        Assert.Contains("(sha256 matches go.tar.gz.sha256)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_checksum_can_come_from_Gos_download_index()
    {
        _server.Serve("go1.22.6.linux-armv6l.tar.gz", _payload);
        _server.Serve("dl.json", Encoding.UTF8.GetBytes(
            $$"""[{"version": "go1.22.6", "stable": true, "files": [{"filename": "go1.22.6.linux-armv6l.tar.gz", "os": "linux", "arch": "armv6l", "version": "go1.22.6", "sha256": "{{Sha(_payload)}}", "size": {{_payload.Length}}, "kind": "archive"}]}]"""));
        var result = await Fetch(_server.Url("go1.22.6.linux-armv6l.tar.gz"), "--index", _server.Url("dl.json"));
        result.AssertSucceeded();
        Assert.Contains("(sha256 matches Go's download index)", result.StandardOutput, StringComparison.Ordinal);

        var unlisted = await Fetch(_server.Url("go1.99.linux-armv6l.tar.gz"), "--index", _server.Url("dl.json"));
        Assert.Equal(2, unlisted.ExitCode);
        Assert.Contains("go1.99.linux-armv6l.tar.gz is not listed in the Go download index", unlisted.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_a_clear_failure()
    {
        var result = await Fetch("http://pibuild-test.invalid/go.tar.gz", "--sha256", Sha(_payload));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("pibuild: cannot resolve the host of http://pibuild-test.invalid/go.tar.gz", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_cache_is_a_usage_error()
    {
        var blocker = _dir.Write("not-a-dir", "file");
        var env = Env();
        env["PIBUILD_CACHE_DIR"] = Path.Combine(blocker, "cache");
        _server.Serve("go.tar.gz", _payload);
        var result = await Run.PiBuildAsync(["fetch", _server.Url("go.tar.gz"), "--sha256", Sha(_payload)], _dir.Path, env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot write the download cache {Path.Combine(blocker, "cache")}", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("set PIBUILD_CACHE_DIR or XDG_CACHE_HOME", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Short limits, so that a stalled server is given up on in seconds.</summary>
    private Task<RunResult> FetchImpatiently(params string[] args)
    {
        var env = Env();
        env["PIBUILD_IDLE_TIMEOUT"] = "1";
        env["PIBUILD_FETCH_ATTEMPTS"] = "2";
        env["PIBUILD_SPEED_LIMIT"] = "20000";
        env["PIBUILD_SPEED_TIME"] = "1.5";
        return Run.PiBuildAsync(["fetch", .. args], _dir.Path, env);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_on_and_retried()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { SilentTimes = 1 });
        (await FetchImpatiently(_server.Url("go.tar.gz"), "--sha256", Sha(_payload))).AssertSucceeded();
        Assert.Equal(2, _server.RequestCount("go.tar.gz"));

        _server.Serve("mute.tar.gz", _payload, new Misbehaviour { SilentTimes = 99 });
        var mute = await FetchImpatiently(_server.Url("mute.tar.gz"), "--sha256", Sha(Payload(10, seed: 9)));
        mute.AssertExit(1);
        Assert.Matches(@"^pibuild: downloading http://\S+/mute\.tar\.gz failed after 2 attempts: the server sent no answer within 11 s; nothing was kept; check the address and the server, then try again\n$", mute.StandardError);

        // --timeout says how long a silent server is waited for: over the environment's, and in the message.
        var patient = Env();
        patient["PIBUILD_FETCH_ATTEMPTS"] = "1";
        var timed = await Run.PiBuildAsync(["fetch", _server.Url("mute.tar.gz"), "--sha256", Sha(Payload(10, seed: 9)), "--timeout", "0.5"], _dir.Path, patient);
        timed.AssertExit(1);
        Assert.Contains("failed after 1 attempts: the server sent no answer within 10.5 s; nothing was kept", timed.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, (await Run.PiBuildAsync(["fetch", _server.Url("mute.tar.gz"), "--timeout", "0"], _dir.Path, patient)).ExitCode);
    }

    [Fact]
    public async Task A_body_that_stops_before_its_length_is_resumed_after_the_idle_timeout()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { StallAfterBytes = 1 << 20 });
        (await FetchImpatiently(_server.Url("go.tar.gz"), "--sha256", Sha(_payload))).AssertSucceeded();
        Assert.Equal([null, $"bytes={1 << 20}-"], _server.RangesRequested("go.tar.gz"));
        Assert.Equal([Sha(_payload)], StoreFiles());
    }

    [Fact]
    public async Task A_trickle_below_the_speed_limit_is_cut_and_reported_with_what_a_resume_needs_kept()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { ChunkSize = 1000, ChunkDelay = TimeSpan.FromMilliseconds(100) });
        var result = await FetchImpatiently(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        result.AssertExit(1);
        Assert.Contains("failed after 2 attempts: the transfer was slower than 20000 bytes/s for 1.5 s", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, _server.RequestCount("go.tar.gz"));
        Assert.Equal([$"{Sha(_payload)}.partial", $"{Sha(_payload)}.partial.json"], Directory.GetFiles(PartialDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("file:///etc/passwd", "refusing a redirect from http to file:// (file:///etc/passwd)")]
    [InlineData("/loop.tar.gz", "too many redirects (11)")]
    public async Task Redirects_out_of_http_or_in_a_loop_are_refused_by_name(string location, string message)
    {
        _server.Serve("loop.tar.gz", _payload, new Misbehaviour { RedirectTo = location });
        var result = await Fetch(_server.Url("loop.tar.gz"), "--sha256", Sha(_payload));
        result.AssertExit(1);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_redirect_is_followed()
    {
        _server.Serve("latest.tar.gz", [], new Misbehaviour { RedirectTo = "/files/go.tar.gz" });
        _server.Serve("files/go.tar.gz", _payload);
        (await Fetch(_server.Url("latest.tar.gz"), "--sha256", Sha(_payload))).AssertSucceeded();
        Assert.Equal([Sha(_payload)], StoreFiles());
    }

    [Fact]
    public async Task The_sidecar_of_a_URL_with_a_query_is_its_path_plus_sha256_with_the_query_after()
    {
        // This server ignores queries, as many do: asking for "go.tar.gz?x=1.sha256" would get the file itself.
        _server.Serve("go.tar.gz", _payload);
        _server.Serve("go.tar.gz.sha256", Encoding.ASCII.GetBytes(Sha(_payload) + "  go.tar.gz\n"));
        var result = await Fetch(_server.Url("go.tar.gz?x=1"));
        result.AssertSucceeded();
        Assert.Contains("sha256 matches go.tar.gz.sha256", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));
        Assert.Equal(1, _server.RequestCount("go.tar.gz.sha256"));
    }

    [Fact]
    public async Task With_insecure_a_checksum_file_that_keeps_failing_is_said_not_fatal()
    {
        _server.Serve("go.tar.gz", _payload);
        _server.Serve("go.tar.gz.sha256", Encoding.ASCII.GetBytes(Sha(_payload)), new Misbehaviour { FailStatus = 503, FailTimes = 100 });
        var env = Env();
        env["PIBUILD_FETCH_ATTEMPTS"] = "2";
        var result = await Run.PiBuildAsync(["fetch", _server.Url("go.tar.gz"), "--insecure"], _dir.Path, env);
        result.AssertSucceeded();
        Assert.Contains("not verified: --insecure (the checksum file could not be read: HTTP 503", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"pin it with --sha256 {Sha(_payload)}", result.StandardError, StringComparison.Ordinal);

        // Without --insecure the same failure stops the fetch.
        var refused = await Run.PiBuildAsync(["fetch", _server.Url("go.tar.gz")], _dir.Path, env);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("reading the checksum", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_insecure_a_dead_server_costs_one_round_of_attempts_for_the_checksum_file_and_the_file_together()
    {
        // Every answer a failure: the optional checksum file is tried once, the file with what is left of the 4.
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { FailStatus = 503, FailTimes = 100 });
        _server.Serve("go.tar.gz.sha256", Encoding.ASCII.GetBytes(Sha(_payload)), new Misbehaviour { FailStatus = 503, FailTimes = 100 });
        var result = await Fetch(_server.Url("go.tar.gz"), "--insecure");
        result.AssertExit(1);
        Assert.Contains("failed after 4 attempts", Assert.Single(result.StandardError.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount("go.tar.gz.sha256"));
        Assert.Equal(3, _server.RequestCount("go.tar.gz"));
    }

    [Fact]
    public async Task A_sidecar_answering_503_is_retried_like_the_file()
    {
        _server.Serve("go.tar.gz", _payload);
        _server.Serve("go.tar.gz.sha256", Encoding.ASCII.GetBytes(Sha(_payload) + "  go.tar.gz\n"), new Misbehaviour { FailStatus = 503, FailTimes = 1 });
        var result = await Fetch(_server.Url("go.tar.gz"));
        result.AssertSucceeded();
        Assert.Contains("sha256 matches go.tar.gz.sha256", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, _server.RequestCount("go.tar.gz.sha256"));
    }

    [Fact]
    public async Task A_full_disk_is_named_with_the_space_needed_and_not_retried()
    {
        // /dev/full answers every write with ENOSPC: the kernel's own full disk, no root needed. The download's
        // first write is its resume record.
        Directory.CreateDirectory(PartialDirectory);
        File.CreateSymbolicLink(Path.Combine(PartialDirectory, Sha(_payload) + ".partial.json.tmp"), "/dev/full");
        _server.Serve("go.tar.gz", _payload);
        var full = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        full.AssertExit(1);
        Assert.Matches(@"^pibuild: no space left on /\S* for go\.tar\.gz \(needs \d+ bytes more, has \d+\); free some space and run the same command again to resume\n$", full.StandardError);
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));
        Assert.DoesNotContain(Directory.GetFiles(PartialDirectory), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // A file larger than the free space is refused before a byte is written.
        _server.Serve("huge.img", _payload, new Misbehaviour { DeclaredLength = 1L << 50, DropAfterBytes = 0 });
        var huge = await Fetch(_server.Url("huge.img"), "--sha256", Sha(_payload));
        huge.AssertExit(1);
        Assert.Contains("for huge.img (needs 1125899906842624 bytes more, has ", huge.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount("huge.img"));
    }

    [Fact]
    public async Task A_local_file_larger_than_the_caches_disk_is_refused_naming_it_and_nothing_is_kept()
    {
        // A real small disk: an 8 MiB tmpfs (the tests run as root, as scripts/test.sh does in CI).
        var disk = _dir.Combine("small-disk");
        Directory.CreateDirectory(disk);
        (await Run.ProgramAsync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", disk])).AssertSucceeded();
        try
        {
            var big = _dir.Combine("big50.bin");
            await File.WriteAllBytesAsync(big, Payload(50 << 20, seed: 50));
            var env = Env();
            env["PIBUILD_CACHE_DIR"] = Path.Combine(disk, "cache");
            var result = await Run.PiBuildAsync(["fetch", big], _dir.Path, env);

            result.AssertExit(1);
            Assert.Matches(@"^pibuild: no space left in the download cache \S+ for big50\.bin \(needs 52428800 bytes, has \d+\); free some space there or point PIBUILD_CACHE_DIR elsewhere; nothing was kept\n$", result.StandardError);
            Assert.DoesNotContain("url-", result.StandardError, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFiles(disk, "*.partial*", SearchOption.AllDirectories));
        }
        finally
        {
            await Run.ProgramAsync("umount", [disk]);
        }
    }

    [Fact]
    public async Task Insecure_fetches_of_one_URL_at_once_share_one_download()
    {
        // ~5 s of download, so that all four are waiting before the first finishes even on a busy machine.
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { ChunkDelay = TimeSpan.FromMilliseconds(100) });
        var processes = Enumerable.Range(0, 4).Select(_ => Run.StartPiBuild(["fetch", _server.Url("go.tar.gz"), "--insecure"], _dir.Path, Env())).ToArray();
        var results = await Task.WhenAll(processes.Select(p => Run.WaitAsync(p)));
        Assert.All(results, r => r.AssertSucceeded());
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));

        // A later command is not served an unverified copy from the past: it downloads again.
        (await Fetch(_server.Url("go.tar.gz"), "--insecure")).AssertSucceeded();
        Assert.Equal(2, _server.RequestCount("go.tar.gz"));
    }

    [Fact]
    public async Task Two_processes_fetching_the_same_file_both_succeed_with_one_download()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { ChunkDelay = TimeSpan.FromMilliseconds(20) });
        var first = Run.StartPiBuild(["fetch", _server.Url("go.tar.gz"), "--sha256", Sha(_payload)], _dir.Path, Env());
        var second = Run.StartPiBuild(["fetch", _server.Url("go.tar.gz"), "--sha256", Sha(_payload)], _dir.Path, Env());
        var results = await Task.WhenAll(Run.WaitAsync(first), Run.WaitAsync(second));
        Assert.All(results, r => r.AssertSucceeded());
        Assert.Equal([Sha(_payload)], StoreFiles());
        Assert.Equal(_payload, await File.ReadAllBytesAsync(Path.Combine(Store, Sha(_payload))));

        // The lock made the second wait and then find the file in the store.
        Assert.Equal(1, _server.RequestCount("go.tar.gz"));
    }

    [Fact]
    public async Task A_killed_download_leaves_only_a_partial_that_the_next_run_resumes()
    {
        _server.Serve("go.tar.gz", _payload, new Misbehaviour { ChunkDelay = TimeSpan.FromMilliseconds(30) });
        var process = Run.StartPiBuild(["fetch", _server.Url("go.tar.gz"), "--sha256", Sha(_payload)], _dir.Path, Env());
        var partial = Path.Combine(PartialDirectory, Sha(_payload) + ".partial");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(File.Exists(partial) && new FileInfo(partial).Length > 256 * 1024))
        {
            await Task.Delay(20);
        }

        process.Kill();
        await process.WaitForExitAsync();
        Assert.Empty(StoreFiles());
        var kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 256 * 1024, _payload.Length - 1);

        var resumed = await Fetch(_server.Url("go.tar.gz"), "--sha256", Sha(_payload));
        resumed.AssertSucceeded();
        Assert.Equal($"bytes={kept}-", _server.RangesRequested("go.tar.gz")[^1]);
        Assert.Equal([Sha(_payload)], StoreFiles());
        Assert.Empty(Directory.GetFiles(PartialDirectory));
    }

    [Fact]
    public async Task A_realistic_toolchain_tarball_is_fetched_unpacked_and_its_go_runs()
    {
        // A copy of the real Go toolchain's bin/ and VERSION, packed by GNU tar as go.dev packs its tarballs.
        var goroot = (await Run.ProgramAsync("go", ["env", "GOROOT"])).StandardOutput.Trim();
        var tree = _dir.Combine("tree", "go");
        Directory.CreateDirectory(tree);
        (await Run.ProgramAsync("cp", ["-rL", Path.Combine(goroot, "bin"), Path.Combine(goroot, "VERSION"), tree])).AssertSucceeded();
        var tarball = _dir.Combine("go.linux-amd64.tar.gz");
        (await Run.ProgramAsync("tar", ["-C", _dir.Combine("tree"), "-czf", tarball, "go"])).AssertSucceeded();
        var bytes = await File.ReadAllBytesAsync(tarball);
        _server.Serve("go.linux-amd64.tar.gz", bytes);

        var destination = _dir.Combine("toolchain");
        var result = await Fetch(_server.Url("go.linux-amd64.tar.gz"), "--sha256", Sha(bytes), "--extract", destination, "--strip-components", "1");
        result.AssertSucceeded();
        var go = Path.Combine(destination, "bin", "go");
        Assert.True((File.GetUnixFileMode(go) & UnixFileMode.UserExecute) != 0);
        var version = await Run.ProgramAsync(go, ["version"]);
        Assert.StartsWith("go version go1.", version.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(tree, "bin", "go")).Ticks / TimeSpan.TicksPerSecond, File.GetLastWriteTimeUtc(go).Ticks / TimeSpan.TicksPerSecond);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
