using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Cross;

/// <summary>pibuild run (the emulated board) and pibuild build (on the device, with a fake /proc).</summary>
[Collection(GoCacheCollection.Name)]
public sealed class RunAndBuildTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Run_executes_the_command_on_the_emulated_board_and_passes_its_exit_code_through()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var result = await Run.PiBuildAsync(["run", "--target", "pi1", "-C", project, "./cmd/sensorctl", "--", "exit", "3"], _dir.Path, cache.Environment());
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("sensorctl: 19.0°C (linux/arm) [exit 3]\n", result.StandardOutput);
    }

    [Fact]
    public async Task Run_uses_the_boards_CPU_so_a_pi1_profile_that_lies_about_GOARM_is_caught()
    {
        // A profile that builds GOARM=7 code but claims an ARM1176 CPU: the binary dies as it would on a Pi 1.
        var project = Repository.CopyExample("sensors", _dir.Path);
        Directory.CreateDirectory(Path.Combine(project, "targets"));
        File.WriteAllText(Path.Combine(project, "targets", "wrong.yaml"), "name: wrong\nextends: pi2\nqemu_cpu: arm1176\n");
        var result = await Run.PiBuildAsync(["run", "--target", "wrong", "-C", project, "./cmd/sensord"], _dir.Path, cache.Environment());
        Assert.Equal(132, result.ExitCode);
    }

    [Fact]
    public async Task Run_after_a_full_build_reports_only_the_command_it_ran()
    {
        // bin/pi1 already holds both commands; run must build (and count) only the one it was given.
        var project = Repository.CopyExample("sensors", _dir.Path);
        (await Run.PiBuildAsync(["cross", "--target", "pi1", "-C", project], _dir.Path, cache.Environment())).AssertSucceeded();
        var result = await Run.PiBuildAsync(["run", "--target", "pi1", "-C", project, "./cmd/sensord"], _dir.Path, cache.Environment());
        result.AssertSucceeded();
        Assert.Equal("sensord: 21.5°C (linux/arm)\n", result.StandardOutput);
        Assert.Equal(["sensorctl", "sensord"], Directory.GetFiles(Path.Combine(project, "bin", "pi1")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Run_needs_exactly_one_command_package()
    {
        var project = Repository.CopyExample("sensors", _dir.Path);
        var result = await Run.PiBuildAsync(["run", "--target", "pi1", "-C", project, "./..."], _dir.Path, cache.Environment());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("run needs one command package, but ./... built 2 commands", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_on_a_Pi_2_detects_the_board_and_builds_for_it()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        _dir.Write("root/proc/device-tree/model", "Raspberry Pi 2 Model B Rev 1.1\0");
        var env = cache.Environment();
        env["PIBUILD_HOST_ROOT"] = _dir.Combine("root");
        var result = await Run.PiBuildAsync(["build", "-C", project], _dir.Path, env);
        result.AssertSucceeded();
        Assert.Contains("GOARM=7  verified", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Hello world from gb\n", (await Qemu.RunAsync("cortex-a7", Path.Combine(project, "bin", "pi2", "helloworld"))).StandardOutput);
    }

    [Fact]
    public async Task Build_on_a_machine_that_is_not_a_Pi_points_to_cross()
    {
        var project = Repository.CopyExample("hello", _dir.Path);
        _dir.Write("root/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n");
        var env = cache.Environment();
        env["PIBUILD_HOST_ROOT"] = _dir.Combine("root");
        var result = await Run.PiBuildAsync(["build", "-C", project], _dir.Path, env);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("pibuild: this machine is not a known Raspberry Pi (no /proc/device-tree/model); on a laptop use 'pibuild cross --target pi2', or name the board with --target\n", result.StandardError);
    }

    public void Dispose() => _dir.Dispose();
}
