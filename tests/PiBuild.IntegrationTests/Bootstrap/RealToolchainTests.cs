using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Bootstrap;

[CollectionDefinition(Name)]
public sealed class RealToolchainCollection
{
    /// <summary>Tests that build a whole Go toolchain: run one at a time, each needs both cores for minutes.</summary>
    public const string Name = "real toolchain builds";
}

/// <summary>
/// The real thing: Go 1.19 built from source by its own make.bash through pibuild bootstrap (with a power cut in
/// the middle), and a Pi 1 bootstrap toolchain made by Go's bootstrap.bash through pibuild pack-bootstrap.
/// Each takes about five minutes on two cores.
/// </summary>
[Collection(RealToolchainCollection.Name)]
public sealed class RealToolchainTests : IAsyncLifetime
{
    // A hang guard, not a bound: bootstrap.bash builds a toolchain and bzip2s it, which a busy 2-core machine stretches far.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(40);
    private readonly TempDirectory _dir = new("pibuild-real-");
    private readonly TestHttpServer _server = new();
    private string _goroot = "";

    private Dictionary<string, string?> Env() => new()
    {
        ["XDG_CACHE_HOME"] = _dir.Combine("cache"),
        ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
        ["PIBUILD_CACHE_DIR"] = null,
        ["GOROOT"] = null,
        ["GOFLAGS"] = null,
    };

    /// <summary>Packs parts of the machine's GOROOT (links followed) as a plain tar under a top directory "go".</summary>
    private async Task<(string Url, string Sha256)> ServeGoTreeAsync(string name, params string[] parts)
    {
        var tree = _dir.Combine(name, "go");
        Directory.CreateDirectory(tree);
        var cp = await Run.ProgramAsync("cp", ["-rL", .. parts.Select(p => Path.Combine(_goroot, p)), tree]);
        cp.AssertSucceeded();
        var tarball = _dir.Combine(name + ".tar");
        (await Run.ProgramAsync("tar", ["-C", _dir.Combine(name), "-cf", tarball, "go"])).AssertSucceeded();
        Directory.Delete(_dir.Combine(name), recursive: true);
        var bytes = await File.ReadAllBytesAsync(tarball);
        _server.Serve(name + ".tar", bytes);
        return (_server.Url(name + ".tar"), BootstrapFixtures.Sha(bytes));
    }

    [Fact]
    public async Task Bootstrap_builds_Go_with_the_real_make_bash_survives_a_power_cut_and_the_result_cross_builds_for_pi1()
    {
        var bootstrap = await ServeGoTreeAsync("go-bootstrap", "bin", "pkg", "src", "VERSION");
        var source = await ServeGoTreeAsync("go-source", "src", "misc", "api", "VERSION");
        var version = File.ReadLines(Path.Combine(_goroot, "VERSION")).First().Trim();
        _dir.Write("project/targets/host.yaml", "name: host\ngoos: linux\ngoarch: amd64\ncores: 2\nclock_mhz: 2500\n");
        var prefix = _dir.Combine("home", "go");
        string[] args =
        [
            "bootstrap", "--target", "host", "-C", _dir.Combine("project"), "--go", version, "--prefix", prefix,
            "--bootstrap-url", bootstrap.Url, "--bootstrap-sha256", bootstrap.Sha256, "--source-url", source.Url, "--source-sha256", source.Sha256,
        ];

        // Power cut once make.bash is compiling: pibuild and everything it started die at once.
        var first = Run.StartPiBuild(args, _dir.Path, Env());
        var logs = _dir.Combine("cache", "pibuild", "bootstrap", "logs");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !first.HasExited
               && !(Directory.Exists(logs) && Directory.GetFiles(logs).Any(l => ReadShared(l).Contains("Building Go toolchain1", StringComparison.Ordinal))))
        {
            await Task.Delay(200);
        }

        Assert.False(first.HasExited, "make.bash finished or failed before it could be interrupted");
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        Assert.False(File.Exists(Path.Combine(prefix, "bin", "go")));

        var second = await Run.PiBuildAsync(args, _dir.Path, Env(), BuildTimeout);
        second.AssertSucceeded();
        Assert.Contains($"{prefix}/bin/go is {version}", second.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(prefix + "-bootstrap"));

        // The new toolchain, not the system's, cross-builds for a Pi 1, and the result runs on an ARM1176.
        var hello = Repository.CopyExample("hello", _dir.Path);
        var cross = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", hello, "--go", Path.Combine(prefix, "bin", "go")], _dir.Path, Env(), BuildTimeout);
        cross.AssertSucceeded();
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", Path.Combine(hello, "bin", "pi1", "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task Pack_bootstrap_makes_a_pi1_toolchain_whose_go_passes_verify_and_runs_on_an_ARM1176()
    {
        var output = _dir.Combine("out");
        var packed = await Run.PiBuildAsync(["pack-bootstrap", "--target", "pi1", "-o", output], _dir.Path, Env(), BuildTimeout);
        packed.AssertSucceeded();
        var archive = Path.Combine(output, "go-linux-arm-bootstrap.tbz");
        var sha = (await File.ReadAllTextAsync(archive + ".sha256")).Split(' ')[0];
        Assert.Equal(sha, BootstrapFixtures.Sha(await File.ReadAllBytesAsync(archive)));
        (await Run.ProgramAsync("sha256sum", ["-c", archive + ".sha256"], output)).AssertSucceeded();

        var unpacked = _dir.Combine("toolchain");
        var extract = await Run.PiBuildAsync(["fetch", archive, "--sha256", sha, "--extract", unpacked], _dir.Path, Env());
        extract.AssertSucceeded();
        var go = Path.Combine(unpacked, "go-linux-arm-bootstrap", "bin", "go");
        var verify = await Run.PiBuildAsync(["verify", "--target", "pi1", go], _dir.Path, Env());
        verify.AssertSucceeded();

        var version = await Qemu.RunAsync("arm1176", go, "version");
        Assert.StartsWith("go version go1.", version.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith(" linux/arm\n", version.StandardOutput, StringComparison.Ordinal);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public async Task InitializeAsync() => _goroot = (await Run.ProgramAsync("go", ["env", "GOROOT"])).StandardOutput.Trim();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }
}
