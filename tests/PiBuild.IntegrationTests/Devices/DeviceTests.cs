using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Devices;

/// <summary>
/// --on: run, test, deploy and detection on a "Pi" reached through the real OpenSSH client and server (a Pi 1 in a box,
/// see <see cref="SshDevice"/>): programs run there as ARM code under binfmt with the ARM1176's instruction set.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class DeviceTests(SshDevice device, SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Environment(string? ssh = null) => device.Environment(cache.Environment(), ssh);

    private Task<RunResult> PiBuild(params string[] args) => Run.PiBuildAsync(args, _dir.Path, Environment());

    /// <summary>A module with the programs and the test package these tests need.</summary>
    private string Module(string version = "v1")
    {
        var root = _dir.Combine("dev");
        Directory.CreateDirectory(Path.Combine(root, "cmd", "echo"));
        Directory.CreateDirectory(Path.Combine(root, "cmd", "sleeper"));
        Directory.CreateDirectory(Path.Combine(root, "cmd", "served"));
        Directory.CreateDirectory(Path.Combine(root, "greeting", "testdata"));
        File.WriteAllText(Path.Combine(root, "go.mod"), "module example.com/dev\n\ngo 1.19\n");
        File.WriteAllText(Path.Combine(root, "cmd", "echo", "main.go"), """
            package main

            import (
            	"fmt"
            	"io"
            	"os"
            	"strconv"
            )

            func main() {
            	in, _ := io.ReadAll(os.Stdin)
            	fmt.Printf("stdin: %s\n", in)
            	fmt.Printf("args: %q\n", os.Args[1:])
            	fmt.Fprintln(os.Stderr, "to stderr")
            	if len(os.Args) > 1 {
            		code, _ := strconv.Atoi(os.Args[1])
            		os.Exit(code)
            	}
            }
            """);
        File.WriteAllText(Path.Combine(root, "cmd", "sleeper", "main.go"), """
            package main

            import (
            	"fmt"
            	"time"
            )

            func main() {
            	fmt.Println("ready")
            	time.Sleep(10 * time.Minute)
            }
            """);
        File.WriteAllText(Path.Combine(root, "cmd", "served", "main.go"), $$"""
            package main

            import (
            	"fmt"
            	"os"
            	"time"
            )

            func main() {
            	fmt.Println("served {{version}}")
            	if len(os.Args) > 1 && os.Args[1] == "serve" {
            		time.Sleep(10 * time.Minute)
            	}
            }
            """);
        File.WriteAllText(Path.Combine(root, "greeting", "greeting.go"), "package greeting\n\nfunc Hello() string { return \"hello\" }\n");
        File.WriteAllText(Path.Combine(root, "greeting", "testdata", "expected.txt"), "hello\n");
        File.WriteAllText(Path.Combine(root, "greeting", "greeting_test.go"), """
            package greeting

            import (
            	"os"
            	"strings"
            	"testing"
            )

            func TestHelloMatchesTestdata(t *testing.T) {
            	want, err := os.ReadFile("testdata/expected.txt")
            	if err != nil {
            		t.Fatal(err)
            	}
            	if Hello() != strings.TrimSpace(string(want)) {
            		t.Fatalf("got %q", Hello())
            	}
            }

            func TestSkipped(t *testing.T) { t.Skip("on purpose") }
            """);
        return root;
    }

    [Fact]
    public async Task Targets_detect_on_a_device_names_the_board_it_says_it_is()
    {
        var text = await PiBuild("targets", "detect", "--on", device.Address);
        text.AssertSucceeded();
        Assert.StartsWith("pi1  Raspberry Pi Model B Plus Rev 1.2, 32-bit userland", text.StandardOutput, StringComparison.Ordinal);

        var json = await Run.PiBuildAsync(["targets", "detect", "--json"], _dir.Path, new Dictionary<string, string?>(Environment()) { ["PIBUILD_ON"] = device.Address });
        json.AssertSucceeded();
        using var document = JsonDocument.Parse(json.StandardOutput);
        Assert.Equal("pi1", document.RootElement.GetProperty("target").GetString());
        Assert.Equal("0xb76", document.RootElement.GetProperty("cpu_part").GetString());
        Assert.Equal(32, document.RootElement.GetProperty("userland_bits").GetInt32());
    }

    [Fact]
    public async Task Run_on_a_device_pipes_stdin_through_returns_the_exit_code_and_copies_nothing_the_second_time()
    {
        var module = Module();
        string[] args = ["run", "--on", device.Address, "-C", module, "./cmd/echo", "--", "3", "two words"];
        var first = await Run.PiBuildWithInputAsync(args, "from the laptop", _dir.Path, Environment());
        first.AssertExit(3);
        Assert.Contains("stdin: from the laptop", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("args: [\"3\" \"two words\"]", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("to stderr", first.StandardError, StringComparison.Ordinal);

        var copies = Directory.GetFiles(device.RunDirectory, "echo", SearchOption.AllDirectories);
        var copy = Assert.Single(copies);
        var written = File.GetLastWriteTimeUtc(copy);

        var second = await Run.PiBuildWithInputAsync(args, "again", _dir.Path, Environment());
        second.AssertExit(3);
        Assert.Contains("stdin: again", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(copies, Directory.GetFiles(device.RunDirectory, "echo", SearchOption.AllDirectories));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public async Task A_shared_connection_never_carries_another_identity_and_device_forget_closes_it()
    {
        var module = Module();
        string[] args = ["run", "--on", device.Address, "-C", module, "./cmd/echo", "--", "3"];
        (await Run.PiBuildAsync(args, _dir.Path, Environment())).AssertExit(3);

        // The same user, host and port with a key the Pi rejects: plain ssh fails, and so must pibuild, though the
        // first login's connection is still open.
        var stranger = await Run.PiBuildAsync(args, _dir.Path, Environment(device.StrangerSshCommand));
        stranger.AssertExit(2);
        Assert.Contains("could not log in", stranger.StandardError, StringComparison.Ordinal);

        var forget = await PiBuild("device", "forget", device.Address);
        forget.AssertSucceeded();
        Assert.Matches(@"^closed [1-9]\d* shared connection\(s\) to ", forget.StandardOutput);
        Assert.StartsWith("no shared connection to ", (await PiBuild("device", "forget", device.Address)).StandardOutput, StringComparison.Ordinal);
        (await Run.PiBuildAsync(args, _dir.Path, Environment())).AssertExit(3);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_program_on_the_device_too()
    {
        var module = Module();
        var process = Run.StartPiBuild(["run", "--on", device.Address, "-C", module, "./cmd/sleeper"], _dir.Path, Environment());
        await Run.WaitForOutputAsync(process, "ready", TimeSpan.FromMinutes(4));
        Assert.NotEmpty(device.ProgramsRunning());

        await Processes.InterruptAsync(process.Id);
        var result = await Run.WaitAsync(process, TimeSpan.FromSeconds(60));
        result.AssertExit(130);
        Assert.DoesNotContain(device.ProgramsRunning(), pid => Processes.CommandLine(pid).Contains("sleeper", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(device.RunDirectory, "*.pid"));
    }

    [Fact]
    public async Task A_target_the_device_cannot_run_is_refused_before_anything_is_built_or_copied()
    {
        var module = Module();
        var before = Directory.Exists(device.RunDirectory) ? Directory.GetFileSystemEntries(device.RunDirectory, "*", SearchOption.AllDirectories) : [];
        var result = await PiBuild("run", "--on", device.Address, "--target", "pi2", "-C", module, "./cmd/echo");
        result.AssertExit(2);
        Assert.Contains("--target pi2 cannot run on", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ARMv7", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Trim().Split('\n'));
        var after = Directory.Exists(device.RunDirectory) ? Directory.GetFileSystemEntries(device.RunDirectory, "*", SearchOption.AllDirectories) : [];
        Assert.Equal(before.Order(), after.Order());
        Assert.False(Directory.Exists(Path.Combine(module, "bin")));
    }

    [Theory]
    [InlineData("stranger", "could not log in")]
    [InlineData("wrong-host-key", "host key")]
    [InlineData("closed-port", "cannot reach")]
    public async Task A_device_that_cannot_be_reached_or_logged_into_is_a_one_line_usage_error(string problem, string expected)
    {
        var (ssh, address) = problem switch
        {
            "stranger" => (device.StrangerSshCommand, device.Address),
            "wrong-host-key" => (device.WrongHostKeySshCommand, device.Address),
            _ => (device.SshCommand, $"127.0.0.1:{ClosedPort()}"),
        };
        var result = await Run.PiBuildAsync(["targets", "detect", "--on", address], _dir.Path, Environment(ssh), TimeSpan.FromSeconds(60));
        result.AssertExit(2);
        var line = Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_on_the_device_count_as_the_emulated_run_counts_and_see_the_boards_limits_and_testdata()
    {
        var fixture = _dir.Combine("armtests");
        Repository.CopyTree(Path.Combine(Repository.Root, "tests", "fixtures", "armtests"), fixture);
        string[] packages = ["./arch", "./mixed", "./nothing"];
        var emulated = await PiBuild(["test", "--target", "pi1", "-C", fixture, .. packages]);
        var onDevice = await PiBuild(["test", "--on", device.Address, "-C", fixture, .. packages]);
        Assert.Equal(1, emulated.ExitCode);
        Assert.Equal(1, onDevice.ExitCode);
        Assert.EndsWith("4 passed, 1 failed, 1 skipped\n", emulated.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(LastLine(emulated.StandardOutput), LastLine(onDevice.StandardOutput));
        Assert.Equal(PackageLines(emulated.StandardOutput).Order(), PackageLines(onDevice.StandardOutput).Order());

        var limits = await PiBuild("test", "--on", device.Address, "-C", fixture, "./arch", "--verbose");
        limits.AssertSucceeded();
        Assert.Contains("stack-limit-kib=1024", limits.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("timeout-scale=10", limits.StandardOutput, StringComparison.Ordinal);

        var testdata = await PiBuild("test", "--on", device.Address, "-C", Module(), "./greeting");
        testdata.AssertSucceeded();
        Assert.EndsWith("1 passed, 0 failed, 1 skipped\n", testdata.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_replaces_a_running_binary_atomically_and_keeps_the_previous_one()
    {
        var to = _dir.Combine("device-bin");
        var module = Module("v1");
        var first = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/served");
        first.AssertSucceeded();
        var installed = Path.Combine(to, "served");
        Assert.Contains($"{installed} on {device.Address}", first.StandardOutput, StringComparison.Ordinal);
        var v1 = await File.ReadAllBytesAsync(installed);

        // The deployed program keeps running, as a service would, while the next version replaces it.
        var running = Run.Start(installed, ["serve"], _dir.Path, new Dictionary<string, string?> { ["QEMU_CPU"] = "arm1176" });
        await Run.WaitForOutputAsync(running, "served v1", TimeSpan.FromMinutes(1));

        Module("v2");
        var dryRun = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--dry-run", "./cmd/served");
        dryRun.AssertSucceeded();
        Assert.Contains("would install", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(v1, await File.ReadAllBytesAsync(installed));
        Assert.False(File.Exists(installed + ".previous"));

        var second = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/served");
        second.AssertSucceeded();
        using var json = JsonDocument.Parse(second.StandardOutput);
        Assert.True(json.RootElement.GetProperty("devices")[0].GetProperty("binaries")[0].GetProperty("previous_kept").GetBoolean());
        Assert.False(running.HasExited);
        Assert.Equal(v1, await File.ReadAllBytesAsync(installed + ".previous"));
        var now = await Run.ProgramAsync(installed, [], _dir.Path, new Dictionary<string, string?> { ["QEMU_CPU"] = "arm1176" });
        Assert.Equal("served v2\n", now.AssertSucceeded().StandardOutput);
        Assert.Equal(["served", "served.previous"], Directory.GetFiles(to).Select(Path.GetFileName).Order());

        running.Kill();
        await running.WaitForExitAsync();

        var restarted = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--restart", "served.service", "./cmd/served");
        restarted.AssertSucceeded();
        Assert.Contains("served.service: active", restarted.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("restart served.service\nis-active served.service\n", device.SystemctlLog, StringComparison.Ordinal);

        var broken = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--restart", "broken.service", "./cmd/served");
        broken.AssertExit(1);
        Assert.Contains("broken.service on", broken.StandardError, StringComparison.Ordinal);
        Assert.Contains("is failed after the restart", broken.StandardError, StringComparison.Ordinal);

        // A new build whose unit does not come up is put back, as a fleet's device would be: v2 stays in place.
        Module("v3");
        var rolledBack = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--restart", "broken.service", "./cmd/served");
        rolledBack.AssertExit(1);
        Assert.Contains("is failed after the restart", rolledBack.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{installed} put back as it was", rolledBack.StandardError, StringComparison.Ordinal);
        var after = await Run.ProgramAsync(installed, [], _dir.Path, new Dictionary<string, string?> { ["QEMU_CPU"] = "arm1176" });
        Assert.Equal("served v2\n", after.AssertSucceeded().StandardOutput);
        Assert.Equal(v1, await File.ReadAllBytesAsync(installed + ".previous"));
    }

    /// <summary>
    /// One device is a fleet of one: deploy --json has one shape whether pibuild.yaml names devices or not, and a
    /// single device keeps its line-per-command output (the config file changes how names resolve, nothing else).
    /// </summary>
    [Fact]
    public async Task Deploy_to_one_device_has_one_json_shape_with_or_without_devices_in_pibuild_yaml()
    {
        static string Shape(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => p.Name + Shape(p.Value))) + "}",
            JsonValueKind.Array => "[" + (e.GetArrayLength() > 0 ? Shape(e[0]) : "") + "]",
            _ => "",
        };

        var to = _dir.Combine("device-bin");
        var module = Module("v1");
        var plain = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/served");
        using var plainJson = JsonDocument.Parse(plain.AssertSucceeded().StandardOutput);

        var named = _dir.Combine("named-bin");
        File.WriteAllText(Path.Combine(module, "pibuild.yaml"), $"devices:\n  shed:\n    host: {device.Address}\n    to: {named}\n");
        var configured = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--json", "./cmd/served");
        using var configuredJson = JsonDocument.Parse(configured.AssertSucceeded().StandardOutput);
        var byName = await PiBuild("deploy", "--on", "shed", "-C", module, "--to", to, "--json", "./cmd/served");
        using var byNameJson = JsonDocument.Parse(byName.AssertSucceeded().StandardOutput);

        Assert.Contains("\"devices\"", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(Shape(plainJson.RootElement), Shape(configuredJson.RootElement));
        Assert.Equal(Shape(plainJson.RootElement), Shape(byNameJson.RootElement));
        var first = plainJson.RootElement.GetProperty("devices")[0];
        Assert.Equal("updated", first.GetProperty("state").GetString());
        Assert.Equal(Path.Combine(to, "served"), first.GetProperty("binaries")[0].GetProperty("destination").GetString());
        Assert.Equal("unchanged", configuredJson.RootElement.GetProperty("devices")[0].GetProperty("state").GetString());
        var shed = byNameJson.RootElement.GetProperty("devices")[0];
        Assert.Equal("shed", shed.GetProperty("name").GetString());
        Assert.Equal(Path.Combine(named, "served"), shed.GetProperty("binaries")[0].GetProperty("destination").GetString());
        Assert.True(File.Exists(Path.Combine(named, "served")));

        // On the terminal, one device with devices: in pibuild.yaml is still a line per command, not a fleet's table.
        var text = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "./cmd/served");
        Assert.Equal($"pi1  {Path.Combine(to, "served")} on {device.Address}  (unchanged: this build is in place already; served.previous left as it was)\n", text.AssertSucceeded().StandardOutput);
    }

    [Fact]
    public async Task Deploy_builds_with_cgo_as_pibuild_yaml_asks_against_the_sysroot_it_names_for_the_Pi_1_it_finds()
    {
        var module = CgoModule.Write(_dir.Combine("withc"));
        await CgoSysroots.HandMadeArmV6Async(_dir.Combine("armv6-sysroot"), withGccRuntime: true);
        File.WriteAllText(Path.Combine(module, "pibuild.yaml"), "cgo: true\nsysroots:\n  pi1: ../armv6-sysroot\n");
        var to = _dir.Combine("device-bin");
        var result = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to);
        result.AssertSucceeded();

        // Verified for the device's ARM1176 before it was copied: the board's loader, ARMv6 linked code.
        var elf = await Run.ProgramAsync("readelf", ["-l", "-A", Path.Combine(to, "withc")]);
        Assert.Contains("[Requesting program interpreter: /lib/ld-linux-armhf.so.3]", elf.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*Tag_CPU_arch: v6$", elf.StandardOutput);
    }

    [Fact]
    public async Task Sysroot_copies_the_devices_headers_libraries_and_shlibs_with_relative_links_and_a_rerun_copies_only_what_changed()
    {
        var root = device.Root;
        var multiarch = Path.Combine(root, "usr", "lib", "arm-linux-gnueabihf");
        Directory.CreateDirectory(multiarch);
        Directory.CreateDirectory(Path.Combine(root, "usr", "include"));
        File.WriteAllText(Path.Combine(root, "usr", "include", "zlib.h"), "#define ZLIB_VERSION \"1.2.13\"\n");
        File.WriteAllBytes(Path.Combine(multiarch, "libz.so.1.2.13"), [0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, 1, 0, 42]);
        File.WriteAllText(Path.Combine(multiarch, "obsolete.a"), "old");
        File.CreateSymbolicLink(Path.Combine(multiarch, "libz.so.1"), "libz.so.1.2.13");
        File.CreateSymbolicLink(Path.Combine(multiarch, "libz.so"), "/usr/lib/arm-linux-gnueabihf/libz.so.1");
        File.CreateSymbolicLink(Path.Combine(root, "lib"), "usr/lib");
        var dpkg = Path.Combine(root, "var", "lib", "dpkg", "info");
        Directory.CreateDirectory(dpkg);
        File.WriteAllText(Path.Combine(dpkg, "zlib1g:armhf.shlibs"), "libz 1 zlib1g (>= 1:1.2.3.3.dfsg)\n");
        File.WriteAllText(Path.Combine(dpkg, "zlib1g:armhf.list"), "/usr/lib/arm-linux-gnueabihf/libz.so.1.2.13\n");

        var output = _dir.Combine("sysroot");
        var first = await PiBuild("sysroot", "--on", device.Address, "-o", output, "--json");
        first.AssertSucceeded();
        using (var json = JsonDocument.Parse(first.StandardOutput))
        {
            Assert.Equal("pi1", json.RootElement.GetProperty("target").GetString());
            Assert.Equal(4, json.RootElement.GetProperty("files_copied").GetInt32());
        }

        // Which package holds each library, for a cgo .deb's Depends; nothing else of dpkg's.
        Assert.Equal("libz 1 zlib1g (>= 1:1.2.3.3.dfsg)\n", File.ReadAllText(Path.Combine(output, "var", "lib", "dpkg", "info", "zlib1g:armhf.shlibs")));
        Assert.False(File.Exists(Path.Combine(output, "var", "lib", "dpkg", "info", "zlib1g:armhf.list")));

        var local = Path.Combine(output, "usr", "lib", "arm-linux-gnueabihf");
        Assert.Equal(File.ReadAllBytes(Path.Combine(multiarch, "libz.so.1.2.13")), File.ReadAllBytes(Path.Combine(local, "libz.so")));
        Assert.Equal("libz.so.1", new FileInfo(Path.Combine(local, "libz.so")).LinkTarget);
        Assert.Equal("usr/lib", new FileInfo(Path.Combine(output, "lib")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(output, "lib", "arm-linux-gnueabihf", "libz.so.1")));
        Assert.Equal("#define ZLIB_VERSION \"1.2.13\"\n", File.ReadAllText(Path.Combine(output, "usr", "include", "zlib.h")));

        var again = await PiBuild("sysroot", "--on", device.Address, "-o", output);
        again.AssertSucceeded();
        Assert.Contains("0 files copied", again.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("4 unchanged", again.StandardOutput, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(root, "usr", "include", "zlib.h"), "#define ZLIB_VERSION \"1.3\"\n");
        File.SetLastWriteTimeUtc(Path.Combine(root, "usr", "include", "zlib.h"), DateTime.UtcNow.AddMinutes(1));
        File.Delete(Path.Combine(multiarch, "obsolete.a"));
        var changed = await PiBuild("sysroot", "--on", device.Address, "-o", output);
        changed.AssertSucceeded();
        Assert.Contains("1 files copied", changed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 removed", changed.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("#define ZLIB_VERSION \"1.3\"\n", File.ReadAllText(Path.Combine(output, "usr", "include", "zlib.h")));
        Assert.False(File.Exists(Path.Combine(local, "obsolete.a")));
    }

    [Fact]
    public async Task Deploy_with_sudo_installs_as_root_and_a_full_disk_on_the_device_is_one_line_and_leaves_nothing()
    {
        var module = Module();
        var to = _dir.Combine("sudo-bin");
        var sudo = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", to, "--sudo", "./cmd/served");
        sudo.AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(to, "served")));

        // A directory on a 256 KiB file system: the 1.5 MiB program cannot be copied there.
        var full = _dir.Combine("full");
        Directory.CreateDirectory(full);
        (await Run.ProgramAsync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", full])).AssertSucceeded();
        try
        {
            var result = await PiBuild("deploy", "--on", device.Address, "-C", module, "--to", full, "./cmd/served");
            result.AssertExit(1);
            var line = Assert.Single(result.StandardError.Trim().Split('\n'));
            Assert.Contains($"has no space left to install {full}/served", line, StringComparison.Ordinal);
            Assert.Contains("df -h", line, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(full));
        }
        finally
        {
            (await Run.ProgramAsync("umount", [full])).AssertSucceeded();
        }
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1];

    private static string[] PackageLines(string output) =>
        output.Split('\n').Where(l => l.StartsWith("ok ", StringComparison.Ordinal) || l.StartsWith("FAIL ", StringComparison.Ordinal) || l.StartsWith("? ", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\d+\.\d\ds$", "")).ToArray();

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _dir.Dispose();
}
