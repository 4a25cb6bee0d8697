using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Shipping;

/// <summary>How pibuild reaches users: its version line, shell completion, and the .NET tool package.</summary>
public sealed class ShippingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Version_names_the_release_the_commit_and_the_build_kind()
    {
        var result = await Run.PiBuildAsync(["--version"], _dir.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^pibuild \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown), JIT, \.NET 10\.\d+\.\d+\)\n$", result.StandardOutput);
    }

    [Fact]
    public async Task The_bash_completion_script_completes_commands_and_options_from_pibuild_itself()
    {
        var script = await Run.PiBuildAsync(["completion", "bash"], _dir.Path);
        Assert.Equal(0, script.ExitCode);
        await File.WriteAllTextAsync(_dir.Combine("completion.bash"), script.StandardOutput);

        // A `pibuild` on PATH, as an installed tool would be.
        var wrapper = _dir.Write("bin/pibuild", $"#!/bin/sh\nexec dotnet '{Run.PiBuildDll}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        string Complete(string line) =>
            $". {_dir.Combine("completion.bash")}; COMP_LINE='{line}'; COMP_POINT={line.Length}; read -ra COMP_WORDS <<< \"$COMP_LINE \"; " +
            $"COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - {(line.EndsWith(' ') ? 0 : 1)} )); _pibuild_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        var env = new Dictionary<string, string?> { ["PATH"] = _dir.Combine("bin") + ":" + Environment.GetEnvironmentVariable("PATH") };

        var commands = await Run.ProgramAsync("bash", ["-c", Complete("pibuild cro")], _dir.Path, env);
        Assert.Equal("cross\n", commands.StandardOutput);
        var options = await Run.ProgramAsync("bash", ["-c", Complete("pibuild cross --tar")], _dir.Path, env);
        Assert.Equal("--target\n", options.StandardOutput);
    }

    [Theory]
    [InlineData("zsh", "compdef _pibuild_complete pibuild")]
    [InlineData("fish", "complete -c pibuild -f -a")]
    public async Task Zsh_and_fish_get_their_own_scripts(string shell, string expected)
    {
        var result = await Run.PiBuildAsync(["completion", shell], _dir.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[suggest:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        var result = await Run.PiBuildAsync(["completion", "tcsh"], _dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("pibuild: unknown shell 'tcsh' (pibuild completes bash, zsh and fish)\n", result.StandardError);
    }

    [Fact]
    public async Task Dotnet_pack_makes_a_tool_that_installs_and_runs()
    {
        var packages = _dir.Combine("packages");
        var pack = await Run.ProgramAsync("dotnet", ["pack", Path.Combine(Repository.Root, "src", "PiBuild", "PiBuild.csproj"), "-c", "Release", "-o", packages, "--nologo", "-v", "quiet"],
            Repository.Root, new Dictionary<string, string?> { ["MSBUILDNOINPROCNODE"] = "1" });
        pack.AssertSucceeded();
        Assert.Single(Directory.GetFiles(packages, "pibuild.*.nupkg"));

        var tools = _dir.Combine("tools");
        var install = await Run.ProgramAsync("dotnet", ["tool", "install", "--tool-path", tools, "pibuild", "--add-source", packages], _dir.Path);
        install.AssertSucceeded();
        var version = await Run.ProgramAsync(Path.Combine(tools, "pibuild"), ["--version"], _dir.Path);
        Assert.StartsWith("pibuild 0.", version.StandardOutput, StringComparison.Ordinal);
        var targets = await Run.ProgramAsync(Path.Combine(tools, "pibuild"), ["targets", "--json"], _dir.Path);
        Assert.Contains("\"name\": \"pi1\"", targets.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_linux_arm64_build_runs_on_an_emulated_Pi_4_detects_it_and_verifies_its_binaries()
    {
        // What a Pi 3/4/5 owner installs: the Native AOT build from scripts/publish.sh, dynamically linked to glibc.
        var published = _dir.Combine("artifacts");
        var publish = await Run.ProgramAsync("bash", [Path.Combine(Repository.Root, "scripts", "publish.sh"), "-o", published, "linux-arm64"], Repository.Root,
            new Dictionary<string, string?> { ["MSBUILDNOINPROCNODE"] = "1" }, TimeSpan.FromMinutes(20));
        publish.AssertSucceeded();
        var pibuild = Path.Combine(published, "linux-arm64", "pibuild");

        // A Pi 4 with 64-bit Raspberry Pi OS: its model, and an aarch64 /bin/sh (Debian's arm64 loader is a real one).
        var device = _dir.Combine("pi4");
        _dir.Write("pi4/proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.5\0");
        Directory.CreateDirectory(Path.Combine(device, "bin"));
        File.Copy("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1", Path.Combine(device, "bin", "sh"));
        var env = new Dictionary<string, string?>
        {
            // The arm64 C library: Debian's multiarch libc6:arm64 when the cgo tests' zlib1g-dev:arm64 brought it (the cross
            // root as prefix would then mix: its loader reads the host's ld.so.cache and loads the other libc build), else
            // the cross root's.
            ["QEMU_LD_PREFIX"] = File.Exists("/lib/ld-linux-aarch64.so.1") ? null : "/usr/aarch64-linux-gnu",
            ["PIBUILD_HOST_ROOT"] = device,
            ["XDG_CACHE_HOME"] = _dir.Combine("cache"),
            ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
        };
        Task<RunResult> OnPi4(params string[] args) => Run.ProgramAsync(Qemu.Aarch64, ["-cpu", "cortex-a72", pibuild, .. args], _dir.Path, env);

        Assert.Matches(@"^pibuild \d+\.\d+\.\d+ \(commit \S+, Native AOT, \.NET 10\.", (await OnPi4("--version")).AssertSucceeded().StandardOutput);
        Assert.Contains("\"name\": \"pi5-32\"", (await OnPi4("targets", "--json")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith("pi4  Raspberry Pi 4 Model B Rev 1.5, 64-bit userland", (await OnPi4("targets", "detect")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        var binary = _dir.Combine("hello-arm64");
        var project = Repository.CopyExample("hello", _dir.Path);
        (await Run.ProgramAsync("go", ["build", "-o", binary, "./cmd/helloworld"], Path.Combine(project, "src"), new Dictionary<string, string?>
        {
            ["GOOS"] = "linux", ["GOARCH"] = "arm64", ["CGO_ENABLED"] = "0", ["GO111MODULE"] = "off", ["GOPATH"] = $"{project}:{project}/vendor",
            ["GOCACHE"] = _dir.Combine("gocache"), ["GOFLAGS"] = null,
        })).AssertSucceeded();
        Assert.Matches(@"^pi4 +\S*hello-arm64 +[\d.]+ MiB +linux/arm64 +verified\n$", (await OnPi4("verify", "--target", "pi4", binary)).AssertSucceeded().StandardOutput);
        Assert.Contains("GOARCH: expected arm, found arm64", (await OnPi4("verify", "--target", "pi4-32", binary)).AssertExit(1).StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
