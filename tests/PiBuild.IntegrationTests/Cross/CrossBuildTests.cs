using System.Security.Cryptography;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>pibuild cross with the real go, checked by running the result under the real qemu-user with each board's CPU.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class CrossBuildTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Cross_building_for_pi1_yields_a_binary_that_runs_on_an_ARM1176()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        Assert.Matches(@"^pi1 +\S*bin/pi1/helloworld +[\d.]+ MiB +GOARM=6 +verified\n$", result.StandardOutput);

        var run = await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "helloworld"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("Hello world from gb\n", run.StandardOutput);
    }

    [Fact]
    public async Task The_pi2_binary_runs_on_a_Cortex_A7_and_dies_with_SIGILL_on_an_ARM1176()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi2", "-C", project], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        var binary = Path.Combine(project, "bin", "pi2", "helloworld");

        var onPi2 = await Qemu.RunAsync("cortex-a7", binary);
        Assert.Equal("Hello world from gb\n", onPi2.StandardOutput);
        Assert.Equal(0, onPi2.ExitCode);

        // The proof the profile matters: ARMv7 instructions do not exist on the Pi 1's ARMv6 core.
        var onPi1 = await Qemu.RunAsync("arm1176", binary);
        Assert.Equal(Qemu.IllegalInstruction, onPi1.ExitCode);
        Assert.Equal("", onPi1.StandardOutput);
    }

    [Fact]
    public async Task Both_boards_build_in_one_call_each_with_all_commands_of_a_module()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi1,pi2", "-C", project, "--json"], _dir.Path, cache.Environment());
        result.AssertSucceeded();

        using var json = System.Text.Json.JsonDocument.Parse(result.StandardOutput);
        var binaries = json.RootElement.GetProperty("binaries").EnumerateArray()
            .Select(b => (b.GetProperty("target").GetString(), Path.GetFileName(b.GetProperty("path").GetString()), b.GetProperty("goarm").GetString(), b.GetProperty("verified").GetBoolean()))
            .ToArray();
        Assert.Equal(
            [("pi1", "sensorctl", "6", true), ("pi1", "sensord", "6", true), ("pi2", "sensorctl", "7", true), ("pi2", "sensord", "7", true)],
            binaries);

        var run = await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "sensord"));
        Assert.Equal("sensord: 21.5°C (linux/arm)\n", run.StandardOutput);
    }

    [Fact]
    public async Task Boards_of_one_level_share_one_go_build_and_each_gets_a_copy_verified_for_it()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "--target", "pi2,pi3-32,zero2-32,pi1", "-C", project, "-v"], _dir.Path, cache.Environment());
        result.AssertSucceeded();

        // One go build for the three ARMv7 boards, one for the Pi 1: the verbose plan shows each command once.
        var announced = result.StandardError.Split('\n').Where(l => l.StartsWith("# pi", StringComparison.Ordinal) && l.Contains(" build ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, announced.Length);
        Assert.StartsWith("# pi2, pi3-32, zero2-32: ", announced[0], StringComparison.Ordinal);
        Assert.StartsWith("# pi1: ", announced[1], StringComparison.Ordinal);

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["pi2", "pi3-32", "zero2-32", "pi1"], lines.Select(l => l.Split(' ')[0]));
        var copies = new[] { "pi2", "pi3-32", "zero2-32" }.Select(b => Path.Combine(project, "bin", b, "helloworld")).ToArray();
        Assert.Single(copies.Select(c => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(c)))).Distinct());
        foreach (var copy in copies)
        {
            Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a7", copy)).StandardOutput);
        }

        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", Path.Combine(project, "bin", "pi1", "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task A_GOARM_GOARCH_and_GOFLAGS_left_in_the_shell_do_not_change_the_result()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var clean = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project], _dir.Path, cache.Environment());
        clean.AssertSucceeded();
        var binary = Path.Combine(project, "bin", "pi1", "helloworld");
        var cleanHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(binary)));

        var env = cache.Environment();
        env["GOARM"] = "5";
        env["GOARCH"] = "amd64";
        env["GOOS"] = "windows";
        env["GOFLAGS"] = "-tags=leaked";
        env["CGO_ENABLED"] = "1";
        var stray = await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project], _dir.Path, env);
        stray.AssertSucceeded();
        Assert.Contains("GOARM=6", stray.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(cleanHash, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(binary))));
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("arm1176", binary)).StandardOutput);
    }

    [Fact]
    public async Task Quiet_prints_nothing_on_success_and_output_goes_where_o_says()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var output = _dir.Combine("out");
        var result = await Run.PiBuildAsync(["cross", "-t", "pi2", "-C", project, "-o", output, "-q"], _dir.Path, cache.Environment());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal("", result.StandardError);
        Assert.True(File.Exists(Path.Combine(output, "pi2", "helloworld")));
        Assert.Equal(["pi2"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Verbose_streams_go_builds_own_lines_and_the_exact_command()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        var result = await Run.PiBuildAsync(["cross", "-t", "pi1", "-C", project, "-v"], _dir.Path, cache.Environment());
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("GOARM=6", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("go build -o", result.StandardError.Replace("/go build", "go build", StringComparison.Ordinal), StringComparison.Ordinal);

        // go build -v names the packages it builds.
        Assert.Contains("cmd/helloworld", result.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
