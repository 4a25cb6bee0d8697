using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>Ctrl-C in the middle of a cold build: exit 130, the go process tree gone, nothing half-written under bin/; SIGTERM: 143.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Ctrl_C_during_a_cold_build_stops_go_exits_130_and_leaves_no_binary()
    {
        var project = Repository.CopyExample("hello", _dir.Path);

        // A cache of its own, so the build is cold (the standard library compiles for several seconds).
        var cacheHome = _dir.Combine("cache");
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cacheHome, ["XDG_CONFIG_HOME"] = _dir.Combine("config"), ["PIBUILD_CACHE_DIR"] = null };
        var process = Run.StartPiBuild(["cross", "--target", "pi1", "-C", project], _dir.Path, env);

        // Wait until go is compiling: its cache directory fills up.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !(Directory.Exists(cacheHome) && Directory.EnumerateFiles(cacheHome, "*-a", SearchOption.AllDirectories).Any()))
        {
            await Task.Delay(100);
        }

        Assert.True(Processes.WithEnvironmentContaining(cacheHome).Length > 0, "go was not running when the interrupt was sent");
        await Processes.InterruptAsync(process.Id);
        var result = await Run.WaitAsync(process, TimeSpan.FromSeconds(60));

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("pibuild: interrupted", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Processes.WithEnvironmentContaining(cacheHome));
        var bin = Path.Combine(project, "bin");
        var left = Directory.Exists(bin) ? Directory.EnumerateFileSystemEntries(bin, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(bin, p)).ToArray() : [];
        Assert.True(left.All(p => p == "pi1"), $"left under bin/: {string.Join(", ", left)}");
    }

    [Fact]
    public async Task SIGTERM_during_a_download_stops_it_and_exits_143()
    {
        // A server that accepts and never answers holds the download until pibuild is told to stop.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = _dir.Combine("cache"), ["PIBUILD_CACHE_DIR"] = null };
        var process = Run.StartPiBuild(["fetch", $"http://127.0.0.1:{port}/slow.tar.gz", "--insecure"], _dir.Path, env);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));

        (await Run.ProgramAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).AssertSucceeded();
        var result = await Run.WaitAsync(process, TimeSpan.FromSeconds(30));

        Assert.Equal(143, result.ExitCode);
        Assert.Contains("pibuild: terminated; nothing half-written was kept", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
