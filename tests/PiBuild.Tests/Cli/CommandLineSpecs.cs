using PiBuild.Cli;

namespace PiBuild.Tests.Cli;

/// <summary>The exit-code contract, exercised in-process: usage errors are 2, never 1.</summary>
public sealed class CommandLineSpecs
{
    private static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PiBuildCommandLine.InvokeAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_exit_code_2()
    {
        var (code, _, err) = await Invoke("targets", "--frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("pibuild: unknown option '--frobnicate' (see: pibuild targets --help)\n", err);
    }

    [Theory]
    [InlineData("crosss --target pi2", "pibuild: unknown command 'crosss' (did you mean 'cross'?)")]
    [InlineData("release --snapshot --bogus", "pibuild: unknown option '--bogus' (see: pibuild release --help)")]
    [InlineData("fetch ./x --strip-components -1", "pibuild: --strip-components takes N, which cannot be negative ('-1')")]
    [InlineData("release --shard -1/2", "pibuild: --shard takes I/N, which cannot be negative ('-1/2')")]
    public async Task A_bad_token_is_named_once_in_one_line(string line, string expected)
    {
        var (code, _, err) = await Invoke(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal($"{expected}\n", err);
    }

    [Fact]
    public async Task An_unknown_target_is_exit_code_2_with_one_line_naming_the_known_ones()
    {
        using var dir = new TempDirectory();
        var (code, stdout, err) = await Invoke("targets", "show", "pi9", "-C", dir.Path);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("pibuild: unknown target 'pi9' (did you mean 'pi5'?) (known: pi0, pi1, pi2, pi3, pi3-32, pi4, pi4-32, pi5, pi5-32, zero2, zero2-32)\n", err);
    }

    [Fact]
    public async Task A_broken_project_profile_stops_every_command_with_its_location()
    {
        using var dir = new TempDirectory();
        dir.Write("targets/pi3.yaml", "name: pi3\ngoos: linux\ngoarch: arm\ngoarmm: 7\n");
        var (code, _, err) = await Invoke("targets", "-C", dir.Path);
        Assert.Equal(2, code);
        Assert.Equal($"pibuild: {dir.Combine("targets", "pi3.yaml")}:4:1: unknown key 'goarmm' (did you mean 'goarm'?)\n", err);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_to_an_error()
    {
        using var dir = new TempDirectory();
        var (_, _, err) = await Invoke("targets", "show", "pi9", "-C", dir.Path, "--verbose");
        Assert.Contains("PiBuild.Core.ConfigurationException", err, StringComparison.Ordinal);
        Assert.Contains(" at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cross_without_a_target_says_how_to_name_one()
    {
        var (code, _, err) = await Invoke("cross");
        Assert.Equal(2, code);
        Assert.Equal("pibuild: cross needs a board: --target pi2 (or pi1,pi2; see: pibuild targets), or list 'targets' in pibuild.yaml\n", err);
    }

    [Fact]
    public void The_table_of_commands_names_each_command_as_it_names_itself()
    {
        var built = PiBuildCommandLine.Create().Subcommands.Select(c => c.Name);
        Assert.Equal(PiBuildCommandLine.CommandNames, built);
        foreach (var name in PiBuildCommandLine.CommandNames)
        {
            Assert.Equal([name], PiBuildCommandLine.Create(name).Subcommands.Select(c => c.Name));
        }
    }

    [Theory]
    [InlineData("--version", null)]
    [InlineData("--help", null)]
    [InlineData("cross --target pi2", "cross")]
    [InlineData("-C cross cross --target pi2", "cross")]
    [InlineData("--verbose -C=dir --json deploy --on pi@x", "deploy")]
    [InlineData("-v targets show pi2", "targets")]
    [InlineData("-h cross", null)]
    [InlineData("crosss --target pi2", null)]
    [InlineData("completion bash", null)]
    [InlineData("[suggest] cr", null)]
    public void A_run_builds_only_the_command_it_names(string line, string? expected)
    {
        Assert.Equal(expected, PiBuildCommandLine.CommandToBuild(line.Split(' ')));
    }

    [Theory]
    [InlineData("release --snapshot", "release builds pibuild.yaml's commands (or every main package), not './cmd/x'; list packages under 'commands:'")]
    [InlineData("image -o oci", "image builds pibuild.yaml's commands (or every main package), not './cmd/x'; list packages under 'commands:'")]
    public async Task A_package_among_the_go_flags_of_a_command_that_builds_its_own_is_refused_before_anything_is_built(string command, string expected)
    {
        // A go.mod with no Go file: reaching the build (or Go) would say something else.
        using var dir = new TempDirectory();
        dir.Write("go.mod", "module example.com/x\n\ngo 1.21\n");
        var (code, stdout, err) = await Invoke([.. command.Split(' '), "--target", "pi2", "-C", dir.Path, "--", "-trimpath", "./cmd/x"]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"pibuild: {expected}\n", err);
    }
}
