using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Bootstrap;

/// <summary>pibuild bootstrap against fake Go sources whose make.bash records what reached it.</summary>
public sealed class BootstrapTests : IAsyncLifetime
{
    private BootstrapFixtures _fixtures = null!;

    private string Prefix => Path.Combine(_fixtures.Root, "home", "go");

    private Dictionary<string, string?> Env() => new()
    {
        ["XDG_CACHE_HOME"] = Path.Combine(_fixtures.Root, "cache"),
        ["XDG_CONFIG_HOME"] = Path.Combine(_fixtures.Root, "config"),
        ["PIBUILD_CACHE_DIR"] = null,
        ["GOROOT"] = null,
    };

    private string[] WithUrls(params string[] more) =>
    [
        "bootstrap", "--target", "host", "-C", _fixtures.HostProject(), "--go", "1.19.8", "--prefix", Prefix,
        "--bootstrap-url", _fixtures.ToolchainUrl, "--bootstrap-sha256", BootstrapFixtures.Sha(_fixtures.ToolchainTarball),
        "--source-url", _fixtures.SourceUrl, "--source-sha256", BootstrapFixtures.Sha(_fixtures.SourceTarball), .. more,
    ];

    private Dictionary<string, string> Record() =>
        File.ReadAllLines(Path.Combine(Prefix, "record.txt")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task Make_bash_runs_with_the_boards_stack_limit_timeout_scale_and_bootstrap_and_without_GOROOT()
    {
        var env = Env();
        env["GOROOT"] = "/somewhere/stale";
        var result = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, env);
        result.AssertSucceeded();

        var record = Record();
        Assert.Equal("1024", record["ulimit_s"]);
        Assert.Equal("10", record["timeout_scale"]);
        Assert.Equal(Prefix + "-bootstrap", record["goroot_bootstrap"]);
        Assert.Equal("", record["goroot_set"]);
        Assert.StartsWith("go version go1.19.8 linux/amd64", record["bootstrap_go"], StringComparison.Ordinal);
        Assert.Equal("make.bash", record["script"]);
        Assert.Equal("", record["cgo"]);

        // cmd/dist is told what to build for, rather than guessing from uname -m.
        Assert.Equal("linux/amd64 -> linux/amd64", record["target"]);

        Assert.Contains("pibuild: warning: GOROOT=/somewhere/stale is set in your environment; it is removed for the build", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("src/make.bash with ulimit -s 1024, GO_TEST_TIMEOUT_SCALE=10, GOROOT unset", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("==> Building Go toolchain1 using", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{Prefix}/bin/go is go1.19.8", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith($"add Go to your PATH: export PATH={Prefix}/bin:$PATH\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Prefix + "-bootstrap"));
    }

    [Fact]
    public async Task A_gcc_that_builds_for_another_architecture_means_a_build_without_cgo_said_first()
    {
        // The C compiler on PATH targets arm64 while the board (the fixture's, linux/amd64) is another architecture.
        var tools = Path.Combine(_fixtures.Root, "foreign-gcc");
        Directory.CreateDirectory(tools);
        var gcc = Path.Combine(tools, "gcc");
        await File.WriteAllTextAsync(gcc, "#!/bin/sh\n[ \"$1\" = -dumpmachine ] && echo aarch64-linux-gnu\n");
        File.SetUnixFileMode(gcc, (UnixFileMode)0x1ED);
        var env = Env();
        env["PATH"] = $"{tools}:{Environment.GetEnvironmentVariable("PATH")}";

        var result = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, env);
        result.AssertSucceeded();
        Assert.Equal("0", Record()["cgo"]);
        Assert.Contains($"{gcc} builds for aarch64-linux-gnu, not for ", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("building Go without cgo (CGO_ENABLED=0)", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_runs_all_bash_and_keep_bootstrap_keeps_the_toolchain()
    {
        var result = await Run.PiBuildAsync(WithUrls("--all", "--keep-bootstrap"), _fixtures.Root, Env());
        result.AssertSucceeded();
        Assert.Equal("all.bash", Record()["script"]);
        Assert.Contains("==> ALL TESTS PASSED", result.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Prefix + "-bootstrap", "bin", "go")));
    }

    [Fact]
    public async Task Versions_downloads_and_checksums_come_from_Gos_download_index()
    {
        _fixtures.ServeIndex(
            ("go1.19.8", "go1.19.8.src.tar.gz", _fixtures.SourceTarball, "source"),
            ("go1.4", "go1.4.linux-amd64.tar.gz", _fixtures.ToolchainTarball, "archive"));
        var result = await Run.PiBuildAsync(
            ["bootstrap", "--target", "host", "-C", _fixtures.HostProject(), "--prefix", Prefix, "--index", _fixtures.IndexUrl], _fixtures.Root, Env());
        result.AssertSucceeded();
        Assert.Contains($"go          go1.19.8 from {_fixtures.SourceUrl}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"bootstrap   go1.4 or later from {_fixtures.ToolchainUrl}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(Go's download index)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("1024", Record()["ulimit_s"]);
    }

    [Theory]
    [InlineData("pi4", "go1.20.6.linux-arm64.tar.gz", "GOARCH='arm64' GOARM64='v8.0' GOFLAGS=' ' GOHOSTARCH='arm64' GOHOSTOS='linux' GOOS='linux'")]
    [InlineData("pi5", "go1.20.6.linux-arm64.tar.gz", "GOARCH='arm64' GOARM64='v8.2' GOFLAGS=' ' GOHOSTARCH='arm64' GOHOSTOS='linux' GOOS='linux'")]
    [InlineData("pi3-32", "go1.20.6.linux-armv6l.tar.gz", "GOARCH='arm' GOARM='7' GOFLAGS=' ' GOHOSTARCH='arm' GOHOSTOS='linux' GOOS='linux'")]
    [InlineData("pi0", "go1.20.6.linux-armv6l.tar.gz", "GOARCH='arm' GOARM='6' GOFLAGS=' ' GOHOSTARCH='arm' GOHOSTOS='linux' GOOS='linux'")]
    public async Task Every_boards_script_fetches_its_bootstrap_from_the_index_and_names_the_board_as_host_and_target(string board, string bootstrap, string environment)
    {
        var tarball = _fixtures.ToolchainTarball;
        _fixtures.ServeIndex(
            ("go1.23.5", "go1.23.5.src.tar.gz", _fixtures.SourceTarball, "source"),
            ("go1.20.6", "go1.20.6.linux-arm64.tar.gz", tarball, "archive"),
            ("go1.20.6", "go1.20.6.linux-armv6l.tar.gz", tarball, "archive"));
        var result = await Run.PiBuildAsync(["bootstrap", "--target", board, "--script", "--prefix", Prefix, "--index", _fixtures.IndexUrl], _fixtures.Root, Env());
        result.AssertSucceeded();
        Assert.Contains($"fetch '{_fixtures.Server.Url("dl/" + bootstrap)}' \"$DOWNLOADS/{bootstrap}\" {BootstrapFixtures.Sha(tarball)}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"env {environment} GOROOT_BOOTSTRAP=\"$BOOTSTRAP\" GOTOOLCHAIN='local' GO_TEST_TIMEOUT_SCALE='10' ./make.bash", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_Go_version_is_a_usage_error()
    {
        _fixtures.ServeIndex(("go1.19.8", "go1.19.8.src.tar.gz", _fixtures.SourceTarball, "source"));
        var result = await Run.PiBuildAsync(
            ["bootstrap", "--target", "host", "-C", _fixtures.HostProject(), "--prefix", Prefix, "--go", "1.99.1", "--index", _fixtures.IndexUrl], _fixtures.Root, Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown Go version go1.99.1: Go's download index", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Prefix));
    }

    [Fact]
    public async Task A_bootstrap_toolchain_older_than_the_version_needs_is_refused_before_make_bash()
    {
        _fixtures.Server.Serve("dl/go1.22.6.src.tar.gz", _fixtures.SourceTarball);
        _fixtures.Server.Serve("dl/go1.20.6.linux-amd64.tar.gz", _fixtures.ToolchainTarball);
        _fixtures.ServeIndex(
            ("go1.22.6", "go1.22.6.src.tar.gz", _fixtures.SourceTarball, "source"),
            ("go1.20.6", "go1.20.6.linux-amd64.tar.gz", _fixtures.ToolchainTarball, "archive"));
        var result = await Run.PiBuildAsync(
            ["bootstrap", "--target", "host", "-C", _fixtures.HostProject(), "--prefix", Prefix, "--go", "1.22.6", "--index", _fixtures.IndexUrl], _fixtures.Root, Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the bootstrap toolchain is go1.19.8, but building go1.22.6 needs go1.20.6 or later", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Prefix, "record.txt")));
    }

    [Fact]
    public async Task A_prefix_under_usr_is_refused()
    {
        var args = WithUrls();
        args[Array.IndexOf(args, "--prefix") + 1] = "/usr/local/go";
        var result = await Run.PiBuildAsync(args, _fixtures.Root, Env());
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("pibuild: refusing to install Go into /usr/local/go: it is a system location (/usr)", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefix_that_holds_something_else_is_refused_and_left_alone()
    {
        Directory.CreateDirectory(Prefix);
        await File.WriteAllTextAsync(Path.Combine(Prefix, "notes.txt"), "mine");
        var result = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not empty and holds no Go tree", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Prefix).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_bootstrap_go_for_the_wrong_architecture_is_caught_before_make_bash()
    {
        // A Pi 1 cannot run a GOARM=7 go: build one (any Go program stands in for bin/go) and offer it for pi1.
        var project = Repository.CopyExample("hello", _fixtures.Root);
        var cross = await Run.PiBuildAsync(["cross", "--target", "pi2", "-C", project], _fixtures.Root, Env());
        cross.AssertSucceeded();
        var tree = Path.Combine(_fixtures.Root, "armv7", "go", "bin");
        Directory.CreateDirectory(tree);
        File.Copy(Path.Combine(project, "bin", "pi2", "helloworld"), Path.Combine(tree, "go"));
        var tarball = Path.Combine(_fixtures.Root, "armv7.tar.gz");
        (await Run.ProgramAsync("tar", ["-C", Path.Combine(_fixtures.Root, "armv7"), "-czf", tarball, "go"])).AssertSucceeded();
        var bytes = await File.ReadAllBytesAsync(tarball);
        _fixtures.Server.Serve("dl/armv7.tar.gz", bytes);

        var args = WithUrls();
        args[Array.IndexOf(args, "host")] = "pi1";
        args[Array.IndexOf(args, "--bootstrap-url") + 1] = _fixtures.Server.Url("dl/armv7.tar.gz");
        args[Array.IndexOf(args, "--bootstrap-sha256") + 1] = BootstrapFixtures.Sha(bytes);
        var result = await Run.PiBuildAsync(args, _fixtures.Root, Env());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the bootstrap toolchain's bin/go cannot run on pi1: GOARM: expected 6, found 7", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Prefix, "record.txt")));
    }

    [Fact]
    public async Task A_failing_make_bash_shows_its_last_lines_and_the_log_and_keeps_everything()
    {
        var env = Env();
        env["FAKE_MAKE_FAIL"] = "1";
        var result = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, env);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("compile: something went wrong on purpose", result.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"pibuild: make\.bash failed \(exit 3\); the full log is (\S+\.log); the source in \S+ and the bootstrap toolchain were kept", result.StandardError);
        var log = System.Text.RegularExpressions.Regex.Match(result.StandardError, @"the full log is (\S+\.log);").Groups[1].Value;
        Assert.Contains("Building Go toolchain1", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Prefix, "src", "make.bash")));
        Assert.True(File.Exists(Path.Combine(Prefix + "-bootstrap", "bin", "go")));

        // Fixed, the same command finishes.
        var again = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, Env());
        again.AssertSucceeded();
    }

    [Fact]
    public async Task Running_again_after_an_interrupted_download_resumes_and_reaches_the_same_result()
    {
        _fixtures.Server.Serve("dl/go1.19.8.src.tar.gz", _fixtures.SourceTarball, new Misbehaviour { ChunkDelay = TimeSpan.FromMilliseconds(100) });
        var process = Run.StartPiBuild(WithUrls(), _fixtures.Root, Env());
        var partial = Path.Combine(_fixtures.Root, "cache", "pibuild", "downloads", "partial", BootstrapFixtures.Sha(_fixtures.SourceTarball) + ".partial");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(File.Exists(partial) && new FileInfo(partial).Length > 0))
        {
            await Task.Delay(50);
        }

        // A power cut: pibuild dies at once, in the middle of the source download.
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.False(File.Exists(Path.Combine(Prefix, "record.txt")));

        var again = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, Env());
        again.AssertSucceeded();
        Assert.Matches(@"^bytes=\d+-$", _fixtures.Server.RangesRequested("dl/go1.19.8.src.tar.gz")[^1]);
        Assert.Equal("1024", Record()["ulimit_s"]);
    }

    [Fact]
    public async Task A_finished_bootstrap_is_not_built_again()
    {
        (await Run.PiBuildAsync(WithUrls("--keep-bootstrap"), _fixtures.Root, Env())).AssertSucceeded();
        var built = File.GetLastWriteTimeUtc(Path.Combine(Prefix, "record.txt"));
        var again = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, Env());
        again.AssertSucceeded();
        Assert.Contains("(already built)", again.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(built, File.GetLastWriteTimeUtc(Path.Combine(Prefix, "record.txt")));
        Assert.False(Directory.Exists(Prefix + "-bootstrap"));
    }

    [Fact]
    public async Task The_script_run_by_dash_records_the_same_limits_and_makes_the_same_tree()
    {
        var viaPibuild = await Run.PiBuildAsync(WithUrls(), _fixtures.Root, Env());
        viaPibuild.AssertSucceeded();
        var expectedRecord = Record();
        var expectedTree = Tree(Prefix);

        var scriptPrefix = Path.Combine(_fixtures.Root, "script-home", "go");
        var args = WithUrls("--script");
        args[Array.IndexOf(args, "--prefix") + 1] = scriptPrefix;
        var script = await Run.PiBuildAsync(args, _fixtures.Root, Env());
        script.AssertSucceeded();
        Assert.StartsWith("#!/bin/sh\n", script.StandardOutput, StringComparison.Ordinal);
        var path = Path.Combine(_fixtures.Root, "bootstrap.sh");
        await File.WriteAllTextAsync(path, script.StandardOutput);

        var env = Env();
        env["PIBUILD_DOWNLOADS"] = Path.Combine(_fixtures.Root, "script-downloads");
        var ran = await Run.ProgramAsync("dash", [path], _fixtures.Root, env);
        ran.AssertSucceeded();
        Assert.Contains($"export PATH={scriptPrefix}/bin:$PATH", ran.StandardOutput, StringComparison.Ordinal);

        var record = File.ReadAllLines(Path.Combine(scriptPrefix, "record.txt")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(expectedRecord.Keys, record.Keys);
        foreach (var (key, value) in expectedRecord)
        {
            Assert.Equal(value.Replace(Prefix, "PREFIX", StringComparison.Ordinal), record[key].Replace(scriptPrefix, "PREFIX", StringComparison.Ordinal));
        }

        Assert.Equal(expectedTree, Tree(scriptPrefix));
        Assert.False(Directory.Exists(scriptPrefix + "-bootstrap"));
    }

    private static string[] Tree(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToArray();

    public async Task InitializeAsync() => _fixtures = await BootstrapFixtures.CreateAsync();

    public async Task DisposeAsync() => await _fixtures.DisposeAsync();
}
