using System.Diagnostics;
using PiBuild.Core;
using PiBuild.Core.Processes;

namespace PiBuild.Tests.Processes;

/// <summary>The one process runner: interrupts politely, then kills the whole tree; a missing program is its own failure.</summary>
public sealed class ProcessRunnerSpecs
{
    private static ProcessSpec Shell(string script) => ProcessSpec.Plain("/bin/sh", ["-c", script], "/");

    [Fact(Timeout = 30_000)]
    public async Task Cancelling_sends_SIGINT_to_the_child_and_its_children_so_they_can_clean_up()
    {
        var lines = new List<string>();
        using var cancel = new CancellationTokenSource();

        // The grandchild (another sh, run in the foreground: a "&" job would start with SIGINT ignored) reports it. It
        // waits in the wait builtin, which a trapped signal interrupts at once (a loop of sleeps would fork while the
        // signal came); the grace period is a hang guard, not a bound a busy machine must meet.
        var spec = Shell("sh -c 'trap \"echo grandchild got INT; exit 0\" INT; echo ready; sleep 600 >/dev/null 2>&1 & wait'; echo parent went on");
        var run = new ProcessRunner { GracePeriod = TimeSpan.FromMinutes(2) }.RunAsync(spec, new ProcessOutput(line =>
        {
            lock (lines)
            {
                lines.Add(line);
                if (line == "ready")
                {
                    cancel.Cancel();
                }
            }
        }), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains("grandchild got INT", lines);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_tree_that_ignores_SIGINT_is_killed_after_the_grace_period_and_nothing_survives()
    {
        using var cancel = new CancellationTokenSource();
        var marker = $"pibuild-spec-{Guid.NewGuid():N}";
        var spec = Shell($"trap '' INT; PIBUILD_SPEC_MARKER={marker} sleep 300 & echo ready; wait");
        var runner = new ProcessRunner { GracePeriod = TimeSpan.FromMilliseconds(300) };
        var run = runner.RunAsync(spec, new ProcessOutput(line => { if (line == "ready") { cancel.Cancel(); } }), cancel.Token);

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), "killed before the grace period ended");
        await Task.Delay(200);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), d => ReadEnvironment(d).Contains(marker, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task An_orphan_the_child_left_behind_is_killed_too()
    {
        // The subshell exits at once, so its sleep belongs to no one in the tree (as a compile go started just
        // before it exited): only the run's tag in its environment finds it.
        using var cancel = new CancellationTokenSource();
        var marker = $"pibuild-orphan-{Guid.NewGuid():N}";
        var spec = Shell($"(PIBUILD_SPEC_MARKER={marker} sleep 300 &); echo ready; exec sleep 300");
        var run = new ProcessRunner().RunAsync(spec, new ProcessOutput(line => { if (line == "ready") { cancel.Cancel(); } }), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Task.Delay(200);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), d => ReadEnvironment(d).Contains(marker, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_program_that_exits_on_its_own_after_the_interrupt_still_counts_as_interrupted()
    {
        using var cancel = new CancellationTokenSource();
        var run = new ProcessRunner().RunAsync(Shell("echo ready; sleep 30"), new ProcessOutput(line => { if (line == "ready") { cancel.Cancel(); } }), cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_setup_error_naming_it()
    {
        var e = await Assert.ThrowsAsync<ProgramNotStartedException>(() => new ProcessRunner().RunAsync(ProcessSpec.Plain("/nonexistent/qemu-arm-static", [], "/")));
        Assert.Equal("/nonexistent/qemu-arm-static", e.Program);
        Assert.StartsWith("cannot run /nonexistent/qemu-arm-static: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public async Task A_file_that_is_not_a_program_is_a_setup_error_too()
    {
        using var dir = new TempDirectory();
        var notAProgram = dir.Write("data.bin", "\u0001\u0002");
        File.SetUnixFileMode(notAProgram, (UnixFileMode)0x1ED);
        await Assert.ThrowsAsync<ProgramNotStartedException>(() => new ProcessRunner().RunAsync(ProcessSpec.Plain(notAProgram, [], "/")));
    }

    private static string ReadEnvironment(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "environ"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
