using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>Ctrl-C in the middle of a cold build: exit 130, the go process tree gone, nothing half-written under bin/; SIGTERM: 143.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Ctrl_C_during_a_cold_build_stops_go_exits_130_and_leaves_no_binary()
    {
        // A cgo program, so go calls the C cross compiler while it compiles: a compiler early on PATH holds there (it
        // says so in a file and waits on a FIFO) until the interrupt has been sent. No race with the build's end.
        _dir.Write("app/go.mod", "module example.com/app\n\ngo 1.19\n");
        _dir.Write("app/main.go", "package main\n\n// int two(void) { return 2; }\nimport \"C\"\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(C.two()) }\n");
        var project = _dir.Combine("app");
        var reached = _dir.Combine("hold", "reached");
        var fifo = _dir.Combine("hold", "fifo");
        Directory.CreateDirectory(_dir.Combine("hold", "bin"));
        (await Run.ProgramAsync("mkfifo", [fifo])).AssertSucceeded();
        var compiler = _dir.Write("hold/bin/arm-linux-gnueabihf-gcc", $$"""
            #!/bin/sh
            # Only a compilation go asks for is held (pibuild's own questions to the compiler pass).
            case " $* " in *" -c "*) : > '{{reached}}'; read _ < '{{fifo}}' ;; esac
            exec /usr/bin/arm-linux-gnueabihf-gcc "$@"

            """);
        File.SetUnixFileMode(compiler, (UnixFileMode)0x1ED);

        // A cache of its own, so the build is cold.
        var cacheHome = _dir.Combine("cache");
        var env = new Dictionary<string, string?>
        {
            ["XDG_CACHE_HOME"] = cacheHome, ["XDG_CONFIG_HOME"] = _dir.Combine("config"), ["PIBUILD_CACHE_DIR"] = null,
            ["PATH"] = $"{_dir.Combine("hold", "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
        };
        var process = Run.StartPiBuild(["cross", "--target", "pi2", "--cgo", "-C", project], _dir.Path, env);
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (!File.Exists(reached))
            {
                Assert.True(DateTime.UtcNow < deadline && !process.HasExited, $"go never called the C compiler: {Run.StandardOutputSoFar(process)}");
                await Task.Delay(50);
            }

            Assert.Contains(Processes.WithEnvironmentContaining(cacheHome), p => Processes.CommandLine(p).Contains("go", StringComparison.Ordinal));
            await Processes.InterruptAsync(process.Id);
            var result = await Run.WaitAsync(process, TimeSpan.FromMinutes(2));

            Assert.Equal(130, result.ExitCode);
            Assert.Contains("pibuild: interrupted", result.StandardError, StringComparison.Ordinal);
            Assert.Empty(Processes.WithEnvironmentContaining(cacheHome));
            var bin = Path.Combine(project, "bin");
            var left = Directory.Exists(bin) ? Directory.EnumerateFileSystemEntries(bin, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(bin, p)).ToArray() : [];
            Assert.True(left.All(p => p == "pi2"), $"left under bin/: {string.Join(", ", left)}");
        }
        finally
        {
            // A held compiler that the interrupt did not reach (the bug this test is for) is not left behind.
            foreach (var pid in Processes.WithEnvironmentContaining(cacheHome))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                }
            }
        }
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
