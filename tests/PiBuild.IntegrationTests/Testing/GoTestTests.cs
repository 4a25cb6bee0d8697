using System.Text.Json;
using PiBuild.IntegrationTests.Infrastructure;

namespace PiBuild.IntegrationTests.Testing;

/// <summary>pibuild test: a fixture module's tests, cross-compiled and run under qemu-user with the Pi 1's CPU.</summary>
[Collection(GoCacheCollection.Name)]
public sealed class GoTestTests(SharedGoCache cache) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Fixture()
    {
        var destination = _dir.Combine("armtests");
        if (!Directory.Exists(destination))
        {
            Repository.CopyTree(Path.Combine(Repository.Root, "tests", "fixtures", "armtests"), destination);
        }

        return destination;
    }

    private Task<RunResult> Test(params string[] args) =>
        Run.PiBuildAsync(["test", "--target", "pi1", "-C", Fixture(), .. args], _dir.Path, cache.Environment());

    [Fact]
    public async Task Passing_failing_and_skipped_tests_are_counted_exactly_and_a_failure_exits_1()
    {
        var result = await Test("./mixed");
        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("2 passed, 1 failed, 1 skipped\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("mixed_test.go:9: this test fails on purpose", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"FAIL  example\.com/armtests/mixed  \d+\.\d\ds", result.StandardOutput);
    }

    [Fact]
    public async Task The_tests_run_as_ARM_code_with_the_boards_stack_limit_and_timeout_scale()
    {
        var result = await Test("./arch", "--json");
        result.AssertSucceeded();
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(2, json.RootElement.GetProperty("passed").GetInt32());
        Assert.Equal("passed", json.RootElement.GetProperty("packages")[0].GetProperty("outcome").GetString());

        var verbose = await Test("./arch", "-v");
        Assert.Contains("stack-limit-kib=1024", verbose.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("timeout-scale=10", verbose.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("-exec '", verbose.StandardError, StringComparison.Ordinal);
        Assert.Contains("qemu-arm", verbose.StandardError, StringComparison.Ordinal);
        Assert.Contains("-cpu arm1176", verbose.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misaligned_64_bit_atomic_that_is_fine_on_amd64_fails_on_the_Pi_1()
    {
        var onHost = await Run.ProgramAsync("go", ["test", "-count=1", "./atomic"], Fixture(), new Dictionary<string, string?> { ["GOARCH"] = "amd64", ["GOFLAGS"] = null });
        onHost.AssertSucceeded();

        var result = await Test("./atomic");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("panic: unaligned 64-bit atomic operation", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("0 passed, 1 failed, 0 skipped\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_that_does_not_compile_for_32_bit_ARM_is_reported_with_the_compilers_lines()
    {
        var result = await Test("./overflow");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("overflow.go:7:16:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("overflows", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_test_is_ended_by_the_scaled_timeout_and_its_output_shown()
    {
        // -timeout 300ms times the profile's scale of 10: go test's alarm fires at 3s.
        var result = await Test("./hang", "--", "-timeout", "300ms");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("panic: test timed out after 3s", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("hang_test.go:6: about to hang", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("0 passed, 1 failed, 0 skipped\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packages_without_tests_say_so_and_exit_0()
    {
        var result = await Test("./nothing");
        result.AssertSucceeded();
        Assert.Contains("?     example.com/armtests/nothing  [no test files]", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("0 passed, 0 failed, 0 skipped\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_board_itself_tests_run_natively_without_an_emulator()
    {
        // This machine is the board of a host profile: nothing to emulate, the limits still apply.
        var project = Fixture();
        Directory.CreateDirectory(Path.Combine(project, "targets"));
        await File.WriteAllTextAsync(Path.Combine(project, "targets", "host.yaml"), "name: host\ngoos: linux\ngoarch: amd64\n");
        var result = await Run.PiBuildAsync(["test", "--target", "host", "-C", project, "./mixed", "-v"], _dir.Path, cache.Environment());
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("-exec", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ulimit -S -s", result.StandardError, StringComparison.Ordinal);
        Assert.EndsWith("2 passed, 1 failed, 1 skipped\n", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_qemu_the_command_to_install_it_is_named()
    {
        var env = cache.Environment();
        env["PIBUILD_QEMU"] = null;
        env["PATH"] = Path.GetDirectoryName((await Run.ProgramAsync("sh", ["-c", "readlink -f $(command -v go)"])).StandardOutput.Trim());
        var result = await Run.ProgramAsync(Run.Dotnet, [Run.PiBuildDll, "test", "--target", "pi1", "-C", Fixture(), "./mixed"], _dir.Path, env);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("install it: sudo apt-get install qemu-user-static", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_while_a_slow_test_runs_reports_what_ran_leaves_no_go_or_qemu_and_exits_130()
    {
        var env = cache.Environment();
        env["PIBUILD_TEST_MARKER"] = _dir.Path;
        var process = Run.StartPiBuild(["test", "--target", "pi1", "-C", Fixture(), "./slow", "-v"], _dir.Path, env);
        await Run.WaitForOutputAsync(process, "slow test started", TimeSpan.FromMinutes(2));
        Assert.Contains(Processes.WithEnvironmentContaining(_dir.Path), p => Processes.CommandLine(p).Contains("qemu-arm", StringComparison.Ordinal));

        await Processes.InterruptAsync(process.Id);

        // SIGINT reaches go test and the test under qemu first; what still runs 3 s later is killed. The wait is a
        // hang guard, not a bound a busy machine must meet.
        var result = await Run.WaitAsync(process, TimeSpan.FromMinutes(2));
        Assert.Equal(130, result.ExitCode);
        Assert.Contains("FAIL  example.com/armtests/slow", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("1 passed, 1 failed, 0 skipped\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("pibuild: interrupted; nothing half-written was kept\n", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Processes.WithEnvironmentContaining(_dir.Path));
    }

    [Fact]
    public async Task Ctrl_C_during_run_lets_the_program_clean_up_and_exits_130()
    {
        var env = cache.Environment();
        env["PIBUILD_TEST_MARKER"] = _dir.Path;
        var process = Run.StartPiBuild(["run", "--target", "pi1", "-C", Fixture(), "./trap"], _dir.Path, env);
        await Run.WaitForOutputAsync(process, "ready", TimeSpan.FromMinutes(2));

        await Processes.InterruptAsync(process.Id);
        var result = await Run.WaitAsync(process, TimeSpan.FromMinutes(2));
        Assert.Equal(130, result.ExitCode);
        Assert.Equal("ready\ncleaned up\n", result.StandardOutput);
        Assert.Empty(Processes.WithEnvironmentContaining(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();
}
