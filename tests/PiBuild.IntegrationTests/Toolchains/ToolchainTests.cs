using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Toolchains;

/// <summary>
/// The right Go for each project: toolchains fetched from a go.dev-style index on loopback, verified against its
/// SHA-256 and against their own go version, cached per release, with Debian's Go 1.19 on PATH.
/// </summary>
[Collection(GoReleaseCollection.Name)]
public sealed class ToolchainTests(GoReleaseServer releases, SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>A module whose code needs Go 1.23 (range over a function) and whose go.mod says so.</summary>
    private string Module(string goLines, string name = "mod")
    {
        _dir.Write($"{name}/go.mod", $"module example.com/{name}\n\n{goLines}\n");
        _dir.Write($"{name}/cmd/hi/main.go", """
            package main

            import (
                "fmt"
                "runtime"
            )

            func main() { fmt.Println("built by", runtime.Version()) }
            """);
        return _dir.Combine(name);
    }

    private string RangeOverFunc(string name = "mod")
    {
        var project = Module("go 1.23", name);
        _dir.Write($"{name}/cmd/hi/main.go", """
            package main

            import (
                "fmt"
                "iter"
                "runtime"
            )

            func upTo(n int) iter.Seq[int] {
                return func(yield func(int) bool) {
                    for i := range n {
                        if !yield(i) {
                            return
                        }
                    }
                }
            }

            func main() {
                total := 0
                for i := range upTo(4) {
                    total += i
                }
                fmt.Println("built by", runtime.Version(), "total", total)
            }
            """);
        return project;
    }

    private Dictionary<string, string?> Env(string cacheName = "cache", string? index = null)
    {
        var env = cache.Environment();
        env["XDG_CACHE_HOME"] = cache.FreshRootSharingBuildCaches(_dir.Combine(cacheName));
        env["PIBUILD_GO"] = null;
        env["PIBUILD_GO_INDEX"] = index ?? releases.IndexUrl;
        return env;
    }

    private string Toolchains(Dictionary<string, string?> env) => Path.Combine(env["XDG_CACHE_HOME"]!, "pibuild", "toolchains");

    private Task<RunResult> PiBuild(Dictionary<string, string?> env, params string[] args) => Run.PiBuildAsync(args, _dir.Path, env);

    [Fact]
    public async Task A_module_that_says_go_1_23_is_built_by_a_fetched_go1_23_and_the_second_build_fetches_nothing()
    {
        var project = RangeOverFunc();
        var env = Env();
        var go123 = releases.Newest("1.23");
        var requests = releases.Server.RequestCount($"dl/{go123}.linux-amd64.tar.gz");

        var first = (await PiBuild(env, "cross", "--target", "pi4", "-C", project)).AssertSucceeded();
        Assert.Contains($"==> fetching {go123} for this machine: {project}/go.mod says go 1.23 and go on PATH is go1.19.8", first.StandardError, StringComparison.Ordinal);
        Assert.Equal($"built by {go123} total 6\n", (await Qemu.RunAsync("cortex-a72", Path.Combine(project, "bin", "pi4", "hi"))).StandardOutput);
        Assert.Equal(requests + 1, releases.Server.RequestCount($"dl/{go123}.linux-amd64.tar.gz"));

        // The index is not even asked again: the cached release satisfies the module.
        var indexRequests = releases.Server.RequestCount("dl/");
        var second = (await PiBuild(env, "cross", "--target", "pi4", "-C", project, "-v")).AssertSucceeded();
        Assert.Contains($"# go: {go123} at {Toolchains(env)}/{go123}/bin/go ({project}/go.mod says go 1.23 and go on PATH is go1.19.8: cached {go123})", second.StandardError, StringComparison.Ordinal);
        Assert.Equal(requests + 1, releases.Server.RequestCount($"dl/{go123}.linux-amd64.tar.gz"));
        Assert.Equal(indexRequests, releases.Server.RequestCount("dl/"));
    }

    [Fact]
    public async Task A_toolchain_line_picks_that_release_and_go_on_PATH_serves_a_module_it_satisfies()
    {
        var env = Env();
        var go122 = releases.Newest("1.22");
        var pinned = Module($"go 1.21\n\ntoolchain {go122}", "pinned");
        (await PiBuild(env, "cross", "--target", "pi2", "-C", pinned)).AssertSucceeded();
        Assert.Equal($"built by {go122}\n", (await Qemu.RunAsync("cortex-a7", Path.Combine(pinned, "bin", "pi2", "hi"))).StandardOutput);

        var old = Module("go 1.19", "old");
        var onPath = (await PiBuild(env, "cross", "--target", "pi2", "-C", old, "-v")).AssertSucceeded();
        Assert.Contains($"(go on PATH (go1.19.8) satisfies {old}/go.mod says go 1.19)", onPath.StandardError, StringComparison.Ordinal);
        Assert.Equal("built by go1.19.8\n", (await Qemu.RunAsync("cortex-a7", Path.Combine(old, "bin", "pi2", "hi"))).StandardOutput);
    }

    [Fact]
    public async Task Go_names_a_line_a_release_or_stable_and_PIBUILD_GO_does_the_same()
    {
        var env = Env();
        var project = Module("go 1.19");
        (await PiBuild(env, "cross", "--target", "pi1", "-C", project, "--go", "1.21")).AssertSucceeded();
        Assert.Equal($"built by {releases.Newest("1.21")}\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "hi"))).StandardOutput);

        (await PiBuild(env, "cross", "--target", "pi1", "-C", project, "--go", releases.Newest("1.22"))).AssertSucceeded();
        Assert.Equal($"built by {releases.Newest("1.22")}\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "hi"))).StandardOutput);

        env["PIBUILD_GO"] = "stable";
        (await PiBuild(env, "cross", "--target", "pi1", "-C", project)).AssertSucceeded();
        Assert.Equal($"built by {releases.Newest("1.23")}\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "hi"))).StandardOutput);

        var list = (await PiBuild(env, "toolchains", "--json")).AssertSucceeded();
        using var json = JsonDocument.Parse(list.StandardOutput);
        Assert.Equal([releases.Newest("1.23"), releases.Newest("1.22"), releases.Newest("1.21")],
            json.RootElement.GetProperty("toolchains").EnumerateArray().Select(t => t.GetProperty("version").GetString()));
        Assert.All(json.RootElement.GetProperty("toolchains").EnumerateArray(), t => Assert.True(t.GetProperty("bytes").GetInt64() > 50_000_000));

        // The 1.22 build was used after the 1.21 one: prune keeps the two used last.
        var pruned = (await PiBuild(env, "toolchains", "prune", "--keep", "2")).AssertSucceeded();
        Assert.StartsWith($"removed {releases.Newest("1.21")}", pruned.StandardOutput, StringComparison.Ordinal);
        Assert.Equal([releases.Newest("1.22"), releases.Newest("1.22") + ".last-used", releases.Newest("1.23"), releases.Newest("1.23") + ".last-used"],
            Directory.EnumerateFileSystemEntries(Toolchains(env)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_tarball_whose_checksum_does_not_match_the_index_is_refused_and_leaves_nothing()
    {
        var go122 = releases.Newest("1.22");
        var bytes = releases.Tarballs[go122];
        var index = releases.ServeIndex("bad/", (go122, $"{go122}.linux-amd64.tar.gz", "amd64", GoReleaseServer.Sha(releases.Tarballs[releases.Newest("1.21")]), bytes.Length));
        releases.Server.Serve($"bad/{go122}.linux-amd64.tar.gz", bytes);
        var env = Env(index: index);
        var result = (await PiBuild(env, "cross", "--target", "pi1", "-C", Module("go 1.19"), "--go", go122)).AssertExit(1);
        Assert.Contains($"pibuild: checksum mismatch for {go122}.linux-amd64.tar.gz: expected {GoReleaseServer.Sha(releases.Tarballs[releases.Newest("1.21")])}, got {GoReleaseServer.Sha(bytes)}", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Toolchains(env)) ? Directory.EnumerateFileSystemEntries(Toolchains(env)) : []);
    }

    [Fact]
    public async Task A_tarball_that_holds_another_release_than_the_index_says_is_refused_and_removed()
    {
        var go121 = releases.Newest("1.21");
        var go122 = releases.Newest("1.22");
        var index = releases.ServeIndex("liar/", (go122, $"{go122}.linux-amd64.tar.gz", "amd64", GoReleaseServer.Sha(releases.Tarballs[go121]), releases.Tarballs[go121].Length));
        releases.Server.Serve($"liar/{go122}.linux-amd64.tar.gz", releases.Tarballs[go121]);
        var env = Env(index: index);
        var result = (await PiBuild(env, "cross", "--target", "pi1", "-C", Module("go 1.19"), "--go", go122)).AssertExit(1);
        Assert.Contains($"pibuild: {go122}.linux-amd64.tar.gz holds {go121}, not {go122}; it was removed", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Toolchains(env)));
    }

    [Fact]
    public async Task A_release_the_index_has_no_archive_of_for_this_machine_is_a_usage_error()
    {
        var go123 = releases.Newest("1.23");
        var index = releases.ServeIndex("arm-only/", (go123, $"{go123}.linux-arm64.tar.gz", "arm64", GoReleaseServer.Sha(releases.Tarballs[go123]), 1));
        var result = (await PiBuild(Env(index: index), "cross", "--target", "pi1", "-C", RangeOverFunc())).AssertExit(2);
        Assert.Contains($"Go's download index {index} has no {go123} archive for linux/amd64", result.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("pass --go PATH to a Go you installed\n", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_a_cached_release_still_builds_and_a_missing_one_says_what_is_needed_and_how_to_proceed()
    {
        var project = RangeOverFunc();
        var env = Env();
        (await PiBuild(env, "cross", "--target", "pi1", "-C", project)).AssertSucceeded();

        // Nothing listens on port 9 of loopback: the network is gone.
        env["PIBUILD_GO_INDEX"] = "http://127.0.0.1:9/dl/?mode=json";
        (await PiBuild(env, "cross", "--target", "pi1", "-C", project)).AssertSucceeded();

        var pinned = Module("go 1.21\n\ntoolchain go1.21.13", "pinned");
        var missing = (await PiBuild(env, "cross", "--target", "pi1", "-C", pinned)).AssertExit(1);
        Assert.StartsWith($"pibuild: go1.21.13 is needed ({pinned}/go.mod says go 1.21 and toolchain go1.21.13 and go on PATH is go1.19.8) and is not cached, but Go's download index http://127.0.0.1:9/dl/?mode=json could not be reached", missing.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("connect, point --index (or $PIBUILD_GO_INDEX) at a reachable copy, or pass --go PATH to a Go 1.21.13 toolchain\n", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_builds_that_need_the_same_release_at_once_share_one_download_and_one_unpack()
    {
        var env = Env();
        var go122 = releases.Newest("1.22");
        var before = releases.Server.RequestCount($"dl/{go122}.linux-amd64.tar.gz");
        var one = Run.StartPiBuild(["cross", "--target", "pi2", "-C", Module("go 1.19", "one"), "--go", go122], _dir.Path, env);
        var two = Run.StartPiBuild(["cross", "--target", "pi1", "-C", Module("go 1.19", "two"), "--go", go122], _dir.Path, env);
        (await Run.WaitAsync(one)).AssertSucceeded();
        (await Run.WaitAsync(two)).AssertSucceeded();
        Assert.Equal(before + 1, releases.Server.RequestCount($"dl/{go122}.linux-amd64.tar.gz"));
        Assert.Equal([go122, go122 + ".last-used"], Directory.EnumerateFileSystemEntries(Toolchains(env)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Doctor_says_which_Go_a_project_would_use_and_why_before_and_after_it_is_fetched()
    {
        var env = Env();
        var project = RangeOverFunc();
        var go123 = releases.Newest("1.23");
        var before = (await PiBuild(env, "doctor", "-C", project)).AssertSucceeded();
        Assert.Contains($"warn  go           {go123} will be fetched into the cache by the first build: {project}/go.mod says go 1.23 and go on PATH is go1.19.8", before.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Toolchains(env)) && Directory.EnumerateFileSystemEntries(Toolchains(env)).Any());

        (await PiBuild(env, "cross", "--target", "pi1", "-C", project)).AssertSucceeded();
        var after = (await PiBuild(env, "doctor", "-C", project)).AssertSucceeded();
        Assert.Contains($"ok    go           {go123} at {Toolchains(env)}/{go123}/bin/go ({project}/go.mod says go 1.23 and go on PATH is go1.19.8: cached {go123})", after.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
