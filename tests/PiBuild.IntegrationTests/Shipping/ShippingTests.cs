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
        Assert.Contains("Argument 'tcsh' not recognized", result.StandardError, StringComparison.Ordinal);
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

    public void Dispose() => _dir.Dispose();
}
