using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>
/// The whole family, 32- and 64-bit: built with the real go (1.19, and 1.23 where GOARM64 matters), verified, and
/// run under qemu-arm or qemu-aarch64 with each board's CPU; detected from a fake device's /proc and /bin/sh.
/// </summary>
[Collection(GoCacheCollection.Name)]
public sealed class EveryPiTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Task<RunResult> PiBuild(params string[] args) => Run.PiBuildAsync(args, _dir.Path, cache.Environment());

    [Fact]
    public async Task Cross_building_for_pi4_pi0_and_pi3_32_in_one_call_gives_binaries_that_run_on_each_boards_CPU()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var result = (await PiBuild("cross", "--target", "pi4,pi0,pi3-32", "-C", project, "--json")).AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        var binaries = json.RootElement.GetProperty("binaries").EnumerateArray()
            .Select(b => (b.GetProperty("target").GetString(), Path.GetFileName(b.GetProperty("path").GetString()), b.GetProperty("goarch").GetString(), b.GetProperty("goarm").GetString(), b.GetProperty("verified").GetBoolean()))
            .ToArray();
        Assert.Equal(
        [
            ("pi4", "sensorctl", "arm64", null, true), ("pi4", "sensord", "arm64", null, true),
            ("pi0", "sensorctl", "arm", "6", true), ("pi0", "sensord", "arm", "6", true),
            ("pi3-32", "sensorctl", "arm", "7", true), ("pi3-32", "sensord", "arm", "7", true),
        ], binaries);

        Assert.Equal("sensord: 21.5°C (linux/arm64)\n", (await Qemu.RunAsync("cortex-a72", Path.Combine(project, "bin", "pi4", "sensord"))).StandardOutput);
        Assert.Equal("sensord: 21.5°C (linux/arm)\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi0", "sensord"))).StandardOutput);
        Assert.Equal("sensord: 21.5°C (linux/arm)\n", (await Qemu.RunAsync("cortex-a7", Path.Combine(project, "bin", "pi3-32", "sensord"))).StandardOutput);
        Assert.Equal(Qemu.IllegalInstruction, (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi3-32", "sensord"))).ExitCode);
    }

    [Fact]
    public async Task A_Pi_5_build_from_Go_1_23_is_ARMv8_2_code_that_dies_on_a_Pi_4_and_verify_says_so()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = (await PiBuild("cross", "--target", "pi5,pi4", "-C", project, "--go", GoToolchains.Go123)).AssertSucceeded();
        Assert.Matches(@"pi5 +\S+bin/pi5/helloworld +[\d.]+ MiB +GOARM64=v8\.2 +verified", result.StandardOutput);
        Assert.Matches(@"pi4 +\S+bin/pi4/helloworld +[\d.]+ MiB +GOARM64=v8\.0 +verified", result.StandardOutput);

        var pi5 = Path.Combine(project, "bin", "pi5", "helloworld");
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a76", pi5)).StandardOutput);
        Assert.Equal(Qemu.IllegalInstruction, (await Qemu.RunAsync("cortex-a72", pi5)).ExitCode);
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a53", Path.Combine(project, "bin", "pi4", "helloworld"))).StandardOutput);

        var verify = (await PiBuild("verify", "--target", "pi4", pi5)).AssertExit(1);
        Assert.Contains("is not a pi4 binary: GOARM64: expected v8.0, found v8.2", verify.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_refuses_a_32_bit_binary_for_pi4_and_a_64_bit_one_for_pi2()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        (await PiBuild("cross", "--target", "pi2,pi3", "-C", project)).AssertSucceeded();

        var forPi4 = (await PiBuild("verify", "--target", "pi4", Path.Combine(project, "bin", "pi2", "helloworld"))).AssertExit(1);
        Assert.Contains("machine: expected arm64 (ELF64 little-endian), found arm (ELF32 little-endian); GOARCH: expected arm64, found arm", forPi4.StandardError, StringComparison.Ordinal);
        var forPi2 = (await PiBuild("verify", "--target", "pi2", Path.Combine(project, "bin", "pi3", "helloworld"))).AssertExit(1);
        Assert.Contains("machine: expected arm (ELF32 little-endian), found arm64 (ELF64 little-endian); GOARCH: expected arm, found arm64", forPi2.StandardError, StringComparison.Ordinal);
        (await PiBuild("verify", "--target", "pi4", Path.Combine(project, "bin", "pi3", "helloworld"))).AssertSucceeded();
    }

    [Fact]
    public async Task Run_and_test_of_a_64_bit_board_use_qemu_aarch64_with_its_CPU()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var run = await Run.PiBuildAsync(["run", "--target", "pi4", "-C", project, "./cmd/sensorctl", "-v", "--", "exit", "3"], _dir.Path, cache.Environment());
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("sensorctl: 19.0°C (linux/arm64) [exit 3]\n", run.StandardOutput);
        Assert.Matches(@"qemu-aarch64(-static)? -cpu cortex-a72 ", run.StandardError);

        // A 64-bit atomic in a struct field is aligned on arm64 and misaligned on 32-bit ARM: same board, two userlands.
        var fixture = _dir.Combine("armtests");
        Repository.CopyTree(Path.Combine(Repository.Root, "tests", "fixtures", "armtests"), fixture);
        var onPi4 = (await PiBuild("test", "--target", "pi4", "-C", fixture, "./atomic", "./mixed", "-v")).AssertExit(1);
        Assert.Contains("-exec", onPi4.StandardError, StringComparison.Ordinal);
        Assert.Contains("-cpu cortex-a72", onPi4.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"ok    example\.com/armtests/atomic", onPi4.StandardOutput);
        Assert.EndsWith("3 passed, 1 failed, 1 skipped\n", onPi4.StandardOutput, StringComparison.Ordinal);
        var onPi4In32Bits = (await PiBuild("test", "--target", "pi4-32", "-C", fixture, "./atomic")).AssertExit(1);
        Assert.Contains("panic: unaligned 64-bit atomic operation", onPi4In32Bits.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_qemu_aarch64_run_names_the_install_line_but_cross_needs_no_emulator()
    {
        // A PATH with go and qemu-arm-static, but no qemu-aarch64-static.
        var bin = _dir.Combine("bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "go"), (await Run.ProgramAsync("sh", ["-c", "readlink -f $(command -v go)"])).StandardOutput.Trim());
        File.CreateSymbolicLink(Path.Combine(bin, "qemu-arm-static"), Qemu.Arm);
        var env = cache.Environment();
        env["PATH"] = bin;
        var project = Repository.CopyExample("hello", _dir.Path);

        (await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "cross", "--target", "pi4", "-C", project], _dir.Path, env)).AssertSucceeded();
        var run = (await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "run", "--target", "pi4", "-C", project, "./cmd/helloworld"], _dir.Path, env)).AssertExit(2);
        Assert.Equal("pibuild: qemu-aarch64-static is not installed, and pi4 binaries need it to run here; install it: sudo apt-get install qemu-user-static\n", run.StandardError);

        var doctor = (await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "doctor"], _dir.Path, env)).AssertExit(1);
        Assert.Matches(@"ok +qemu-arm +\S+qemu-arm-static \(runs pi0, pi1, pi2, pi3-32, pi4-32, pi5-32, zero2-32", doctor.StandardOutput);
        Assert.Matches(@"MISS +qemu-aarch64 +qemu-aarch64-static not found: pibuild run and test of pi3, pi4, pi5, zero2 need it\n +fix: sudo apt-get install -y qemu-user-static", doctor.StandardOutput);
    }

    [Fact]
    public async Task Build_on_a_Pi_4_running_32_bit_Raspberry_Pi_OS_builds_for_its_32_bit_userland()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var root = DeviceRoot("Raspberry Pi 4 Model B Rev 1.5", userlandBits: 32);
        var env = cache.Environment();
        env["PIBUILD_HOST_ROOT"] = root;

        var detect = (await Run.PiBuildAsync(["targets", "detect", "--json"], _dir.Path, env)).AssertSucceeded();
        using (var json = JsonDocument.Parse(detect.StandardOutput))
        {
            Assert.Equal("pi4-32", json.RootElement.GetProperty("target").GetString());
            Assert.Equal(32, json.RootElement.GetProperty("userland_bits").GetInt32());
            Assert.Equal("Raspberry Pi 4 Model B Rev 1.5", json.RootElement.GetProperty("model").GetString());
        }

        var build = (await Run.PiBuildAsync(["build", "-C", project], _dir.Path, env)).AssertSucceeded();
        Assert.Matches(@"pi4-32 +\S+bin/pi4-32/helloworld +[\d.]+ MiB +GOARM=7 +verified", build.StandardOutput);
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a15", Path.Combine(project, "bin", "pi4-32", "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task Detect_names_the_board_and_its_userland_and_an_unknown_model_lists_the_known_ones()
    {
        var env = cache.Environment();
        env["PIBUILD_HOST_ROOT"] = DeviceRoot("Raspberry Pi Zero 2 W Rev 1.0", userlandBits: 64);
        var zero2 = (await Run.PiBuildAsync(["targets", "detect"], _dir.Path, env)).AssertSucceeded();
        Assert.Equal("zero2  Raspberry Pi Zero 2 W Rev 1.0, 64-bit userland  (Raspberry Pi Zero 2 W: linux/arm64 GOARM64=v8.0)\n", zero2.StandardOutput);

        env["PIBUILD_HOST_ROOT"] = DeviceRoot("Raspberry Pi 6 Model B Rev 1.0", userlandBits: 64);
        var unknown = (await Run.PiBuildAsync(["targets", "detect"], _dir.Path, env)).AssertExit(2);
        Assert.StartsWith("pibuild: 'Raspberry Pi 6 Model B Rev 1.0' with a 64-bit userland is not a board pibuild knows (known models: pi0: Raspberry Pi Zero Rev, ", unknown.StandardError, StringComparison.Ordinal);
        Assert.Contains("pi5: Raspberry Pi 5 Model, Raspberry Pi 500, Raspberry Pi Compute Module 5", unknown.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("); name the board with --target (see: pibuild targets)\n", unknown.StandardError, StringComparison.Ordinal);

        var wrongName = (await PiBuild("cross", "--target", "pi6", "-C", Repository.CopyExample("hello", _dir.Path))).AssertExit(2);
        Assert.Equal("pibuild: unknown target 'pi6' (did you mean 'pi5'?) (known: pi0, pi1, pi2, pi3, pi3-32, pi4, pi4-32, pi5, pi5-32, zero2, zero2-32)\n", wrongName.StandardError);
    }

    [Fact]
    public async Task A_boards_first_build_says_so_in_a_log_and_counts_packages_on_a_terminal()
    {
        // A cache of its own: zero2's first build is this test's.
        var env = cache.Environment();
        env["XDG_CACHE_HOME"] = _dir.Combine("cold-cache");
        var project = Repository.CopyExample("hello", _dir.Path);
        var first = (await Run.PiBuildAsync(["cross", "--target", "zero2", "-C", project], _dir.Path, env)).AssertSucceeded();
        Assert.Equal("==> zero2: compiling the standard library for linux/arm64 (first build for this board)\n", first.StandardError);
        Assert.Matches(@"^zero2 .*verified\n$", first.StandardOutput);

        var second = (await Run.PiBuildAsync(["cross", "--target", "zero2", "-C", project], _dir.Path, env)).AssertSucceeded();
        Assert.Equal("", second.StandardError);

        // On a terminal (script(1) gives it one): a line per board, redrawn with the count, then the result.
        env["XDG_CACHE_HOME"] = _dir.Combine("cold-cache-2");
        var typescript = _dir.Combine("typescript");
        var command = $"'{Run.Dotnet}' '{Run.PiBuildDll}' cross --target zero2,pi0 -C '{project}'";
        (await Run.ProgramAsync("script", ["-qfec", command, typescript], _dir.Path, env)).AssertSucceeded();
        var screen = await File.ReadAllTextAsync(typescript);
        Assert.Matches(@"\r\u001b\[Kzero2  compiling the standard library for linux/arm64 \(first build for this board\)  \d+/\d+ packages", screen);
        Assert.Matches(@"\r\u001b\[Kpi0    compiling the standard library for linux/arm \(first build for this board\)  \d+/\d+ packages", screen);
        Assert.Matches(@"zero2 +\S+bin/zero2/helloworld .* verified", screen);

        env["XDG_CACHE_HOME"] = _dir.Combine("cold-cache-3");
        var quiet = (await Run.PiBuildAsync(["cross", "--target", "zero2", "-C", project, "-q"], _dir.Path, env)).AssertSucceeded();
        Assert.Equal("", quiet.StandardError + quiet.StandardOutput);
    }

    /// <summary>A fake device: its device-tree model, and a /bin/sh of the given word size (the ELF header is all detection reads).</summary>
    private string DeviceRoot(string model, int userlandBits)
    {
        var root = _dir.Combine($"device-{Guid.NewGuid():N}");
        _dir.Write(Path.GetRelativePath(_dir.Path, Path.Combine(root, "proc", "device-tree", "model")), model + "\0");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.WriteAllBytes(Path.Combine(root, "bin", "sh"), [0x7f, (byte)'E', (byte)'L', (byte)'F', (byte)(userlandBits == 64 ? 2 : 1), 1, 1, 0, .. new byte[56]]);
        return root;
    }

    public void Dispose() => _dir.Dispose();
}
