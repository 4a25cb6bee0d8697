using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Targets;

/// <summary>pibuild targets and doctor, as a separate process with the profiles a project and a user add.</summary>
public sealed class TargetsAndDoctorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Dictionary<string, string?> Env() => new()
    {
        ["XDG_CACHE_HOME"] = _dir.Combine("cache"),
        ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
        ["PIBUILD_CACHE_DIR"] = null,
    };

    [Fact]
    public async Task Targets_json_lists_every_board_with_its_facts()
    {
        var result = await Run.PiBuildAsync(["targets", "--json"], _dir.Path, Env());
        result.AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["pi0", "pi1", "pi2", "pi3", "pi3-32", "pi4", "pi4-32", "pi5", "pi5-32", "zero2", "zero2-32"], targets.Keys);
        Assert.Equal("Raspberry Pi 1 Model B+", targets["pi1"].GetProperty("board").GetString());
        Assert.Equal("6", targets["pi1"].GetProperty("goarm").GetString());
        Assert.Equal("arm1176", targets["pi1"].GetProperty("qemu_cpu").GetString());
        Assert.Equal("BCM2836", targets["pi2"].GetProperty("soc").GetString());
        Assert.Equal("7", targets["pi2"].GetProperty("goarm").GetString());
        Assert.Equal("cortex-a7", targets["pi2"].GetProperty("qemu_cpu").GetString());
        Assert.Equal(1024, targets["pi2"].GetProperty("thread_stack_kb").GetInt32());
        Assert.Equal("built-in", targets["pi2"].GetProperty("origin").GetProperty("layer").GetString());
        Assert.Equal("arm64", targets["pi5"].GetProperty("goarch").GetString());
        Assert.Equal("v8.2", targets["pi5"].GetProperty("goarm64").GetString());
        Assert.Equal("cortex-a76", targets["pi5"].GetProperty("qemu_cpu").GetString());
        Assert.Equal(["pi4"], targets["pi4-32"].GetProperty("extends").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Targets_show_resolves_an_extends_chain_from_the_projects_targets()
    {
        _dir.Write("project/targets/pi1-ci.yaml", "name: pi1-ci\nextends: pi1-slow\nqemu_cpu: arm1176\n");
        _dir.Write("project/targets/pi1-slow.yaml", "name: pi1-slow\nextends: pi1\ntest_timeout_scale: 30\n");
        var result = await Run.PiBuildAsync(["targets", "show", "pi1-ci", "--json", "-C", _dir.Combine("project")], _dir.Path, Env());
        result.AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(["pi1-slow", "pi1"], root.GetProperty("extends").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(30, root.GetProperty("test_timeout_scale").GetInt32());
        Assert.Equal("6", root.GetProperty("goarm").GetString());
        Assert.Equal("ARM1176JZF-S", root.GetProperty("cpu").GetString());
        Assert.Equal("project", root.GetProperty("origin").GetProperty("layer").GetString());
    }

    [Fact]
    public async Task The_users_profiles_come_last_and_win()
    {
        _dir.Write("config/pibuild/targets/pi2.yaml", "name: pi2\nextends: pi2\nqemu_cpu: cortex-a15\n");
        var result = await Run.PiBuildAsync(["targets"], _dir.Path, Env());
        result.AssertSucceeded();
        Assert.Matches(@"pi2 .* cortex-a15 +user .*config/pibuild/targets/pi2\.yaml", result.StandardOutput);
    }

    [Fact]
    public async Task A_project_profile_with_an_unknown_key_fails_with_exit_2_and_its_location()
    {
        var file = _dir.Write("project/targets/pi3.yaml", "name: pi3\nboard: Raspberry Pi 3\ngoos: linux\ngoarch: arm\ngoarmm: 7\n");
        var result = await Run.PiBuildAsync(["targets", "-C", _dir.Combine("project")], _dir.Path, Env());
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal($"pibuild: {file}:5:1: unknown key 'goarmm' (did you mean 'goarm'?)\n", result.StandardError);
    }

    [Fact]
    public async Task Doctor_reports_go_qemu_the_cache_GOROOT_and_the_stack_limit()
    {
        var result = await Run.PiBuildAsync(["doctor"], _dir.Path, Env());
        result.AssertSucceeded();
        Assert.Matches(@"ok +go +go1\.\d+(\.\d+)? at /", result.StandardOutput);
        Assert.Matches(@"ok +qemu-arm +/\S*qemu-arm-static", result.StandardOutput);
        Assert.Matches(@"ok +qemu-aarch64 +/\S*qemu-aarch64-static", result.StandardOutput);
        Assert.Matches(@"ok +cgo-arm +/\S*arm-linux-gnueabihf-gcc \(for --cgo on pi0, pi1, pi2", result.StandardOutput);
        Assert.Matches(@"ok +cgo-arm64 +/\S*aarch64-linux-gnu-gcc", result.StandardOutput);
        Assert.Contains($"ok    cache        {_dir.Combine("cache", "pibuild")} (writable)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("pibuild never writes there", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"stack limit +(\d+ KiB|unlimited) here; pibuild applies 1024 KiB", result.StandardOutput);
    }

    [Fact]
    public async Task Doctor_without_go_or_qemu_names_the_install_command_and_exits_1()
    {
        var env = Env();
        env["PATH"] = _dir.Combine("empty-path");
        var result = await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "doctor", "--json"], _dir.Path, env);
        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.False(json.RootElement.GetProperty("ready").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("missing", checks["go"].GetProperty("status").GetString());
        Assert.StartsWith("sudo apt-get install -y golang-go", checks["go"].GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("missing", checks["qemu-arm"].GetProperty("status").GetString());
        Assert.Equal("sudo apt-get install -y qemu-user-static", checks["qemu-arm"].GetProperty("fix").GetString());
        Assert.Equal("missing", checks["qemu-aarch64"].GetProperty("status").GetString());

        // cgo is optional: a missing C cross compiler is a warning with its install line, not a blocker.
        Assert.Equal("warning", checks["cgo-arm"].GetProperty("status").GetString());
        Assert.Equal("sudo apt-get install -y gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", checks["cgo-arm"].GetProperty("fix").GetString());
    }

    public void Dispose() => _dir.Dispose();
}
