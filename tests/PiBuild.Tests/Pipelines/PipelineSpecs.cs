using PiBuild.Core;
using PiBuild.Core.Pipelines;
using PiBuild.Core.Processes;
using PiBuild.Core.Releases;
using PiBuild.Tests.Binaries;

namespace PiBuild.Tests.Pipelines;

/// <summary>
/// Each building pipeline run whole against a dummy go (<see cref="DummyGo"/>): how the session opens, what go is asked
/// to do and with which environment, what is verified and placed, and what is reported.
/// </summary>
public sealed class PipelineSpecs : IDisposable
{
    private readonly DummyGo _go = new();
    private readonly RecordingEvents _events = new();

    private string Bin(string board) => Path.Combine(_go.Project, "bin", board, "hello");

    /// <summary>A qemu-user stand-in (the programs it would run are synthetic): a sh script with <paramref name="body"/>.</summary>
    private async Task<string> FakeQemuAsync(string body)
    {
        var qemu = Path.GetFullPath(Path.Combine(_go.Project, "..", "qemu-arm-static"));
        await File.WriteAllTextAsync(qemu, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(qemu, (UnixFileMode)0x1ED);
        return qemu;
    }

    [Fact]
    public async Task Cross_runs_one_go_build_per_level_and_places_a_verified_copy_for_every_board()
    {
        var report = await CrossPipeline.RunAsync(_go.Workspace(_events, verbose: true), new CrossRequest(["pi2,pi1,pi3-32,pi0"], [], null), CancellationToken.None);

        Assert.Equal(["pi2", "pi1", "pi3-32", "pi0"], report.Targets.Select(t => t.Target.Name));
        Assert.All(report.Targets, t => Assert.True(t.Checks.Single().Passed));
        var builds = _go.Calls().Where(c => c.Command.StartsWith("build ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["6", "7"], builds.Select(b => b.Variables["GOARM"]).Order());
        Assert.All(builds, b => Assert.Equal(("linux", "arm", "0", "local"), (b.Variables["GOOS"], b.Variables["GOARCH"], b.Variables["CGO_ENABLED"], b.Variables["GOTOOLCHAIN"])));
        Assert.Equal(File.ReadAllBytes(Bin("pi2")), File.ReadAllBytes(Bin("pi3-32")));
        Assert.Equal(File.ReadAllBytes(Bin("pi1")), File.ReadAllBytes(Bin("pi0")));
        Assert.Contains(_events.Lines, l => l.StartsWith("tool: # pi2, pi3-32: (cd ", StringComparison.Ordinal));
        Assert.Contains(_events.Lines, l => l.StartsWith("tool: # pi1, pi0: (cd ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stray_GOARM_in_the_shell_never_reaches_go()
    {
        // Children inherit pibuild's own environment: that is where a shell's GOARM would come from.
        Environment.SetEnvironmentVariable("GOARM", "5");
        Environment.SetEnvironmentVariable("GOFLAGS", "-tags=leak");
        try
        {
            await CrossPipeline.RunAsync(_go.Workspace(_events), new CrossRequest(["pi1"], [], null), CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOARM", null);
            Environment.SetEnvironmentVariable("GOFLAGS", null);
        }

        var build = _go.Calls().Single(c => c.Command.StartsWith("build ", StringComparison.Ordinal));
        Assert.Equal(("6", " "), (build.Variables["GOARM"], build.Variables["GOFLAGS"]));
    }

    [Fact]
    public async Task A_missing_C_compiler_is_said_before_go_is_even_asked_its_version()
    {
        var workspace = _go.Workspace(_events, variables: new Dictionary<string, string?> { ["PATH"] = "/nonexistent" });
        var e = await Assert.ThrowsAsync<ConfigurationException>(() => CrossPipeline.RunAsync(workspace, new CrossRequest(["pi2"], [], null, Cgo: true), CancellationToken.None));

        Assert.Equal("cgo for pi2 needs arm-linux-gnueabihf-gcc; install it: sudo apt-get install -y gcc-arm-linux-gnueabihf libc6-dev-armhf-cross", e.Message);
        Assert.Empty(_go.Calls());
        Assert.False(Directory.Exists(Path.Combine(_go.Cache, "go-env")));
    }

    [Fact]
    public async Task A_binary_that_fails_for_one_board_of_a_shared_build_places_nothing_for_any()
    {
        // The ARMv7 build carries GOARM=6: right for no board of the group, so none of them may get it.
        _go.Produces("arm", "7", SyntheticBinary.ForGoArm("6"));
        var e = await Assert.ThrowsAsync<WorkFailedException>(() => CrossPipeline.RunAsync(_go.Workspace(_events), new CrossRequest(["pi2,zero2-32"], [], null), CancellationToken.None));

        Assert.Equal("hello for pi2 failed verification: GOARM: expected 7, found 6; hello for zero2-32 failed verification: GOARM: expected 7, found 6", e.Message);
        Assert.False(File.Exists(Bin("pi2")));
        Assert.False(File.Exists(Bin("zero2-32")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_go.Project, "bin"), "*", SearchOption.AllDirectories));
    }

    /// <summary>A release builds through the one build-and-verify, so --verbose shows its go commands as cross does (it did not).</summary>
    [Fact]
    public async Task A_release_shows_each_go_command_under_verbose_and_verifies_every_board_of_a_shared_build()
    {
        var output = Path.GetFullPath(Path.Combine(_go.Project, "..", "dist"));
        var manifest = await ReleasePipeline.RunAsync(_go.Workspace(_events, verbose: true), new ReleaseRequest(["pi2,pi1,pi3-32"], "1.0.0", false, output, false, null), CancellationToken.None);

        Assert.Contains(_events.Lines, l => l.StartsWith("tool: # pi2: (cd ", StringComparison.Ordinal) && l.Contains("build", StringComparison.Ordinal));
        Assert.Contains(_events.Lines, l => l.StartsWith("tool: # pi1: (cd ", StringComparison.Ordinal));
        Assert.Equal(2, _go.Calls().Count(c => c.Command.StartsWith("build ", StringComparison.Ordinal)));
        Assert.NotEmpty(manifest.Artifacts);

        // The ARMv7 build carrying GOARM=6 code is refused for pi3-32 too, the board that shares it.
        _go.Produces("arm", "7", SyntheticBinary.ForGoArm("6"));
        var e = await Assert.ThrowsAsync<WorkFailedException>(() => ReleasePipeline.RunAsync(_go.Workspace(_events), new ReleaseRequest(["pi2,pi3-32"], "1.0.1", false, output, true, null), CancellationToken.None));
        Assert.Contains("failed verification: GOARM: expected 7, found 6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_run_with_the_boards_stack_limit_timeout_scale_and_CPU()
    {
        var qemu = await FakeQemuAsync("exit 0");
        var workspace = _go.Workspace(_events, variables: new Dictionary<string, string?> { ["PIBUILD_QEMU"] = qemu });

        await TestPipeline.RunAsync(workspace, new TestRequest(["pi1"], ["./..."], ["-run", "TestX"]), CancellationToken.None);

        var test = _go.Calls().Single(c => c.Command.StartsWith("test ", StringComparison.Ordinal));
        Assert.Equal($"test -json -timeout 100m -exec {ShellQuote.Join([qemu, "-cpu", "arm1176"])} -run TestX ./...", test.Command);
        Assert.Equal(("6", "10", "1024"), (test.Variables["GOARM"], test.Variables["GO_TEST_TIMEOUT_SCALE"], test.Variables["ulimit"]));
    }

    [Fact]
    public async Task Run_builds_one_command_and_runs_it_as_the_board_would()
    {
        var qemu = await FakeQemuAsync("[ \"$1 $2\" = '-cpu cortex-a7' ] || exit 9\nexit 3");
        var workspace = _go.Workspace(_events, variables: new Dictionary<string, string?> { ["PIBUILD_QEMU"] = qemu });

        var outcome = await RunPipeline.RunAsync(workspace, new RunRequest(["pi2"], ".", [], new ProcessStreams(Stream.Null, Stream.Null, Stream.Null)), CancellationToken.None);

        Assert.Equal((3, "pi2", "7"), (outcome.ExitCode, outcome.Target.Name, outcome.Binary.GoArm));
        Assert.Single(_go.Calls(), c => c.Command.StartsWith("build ", StringComparison.Ordinal));
    }

    public void Dispose() => _go.Dispose();
}
