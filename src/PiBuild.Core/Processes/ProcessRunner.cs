using System.ComponentModel;
using System.Text;
using CliWrap;

namespace PiBuild.Core.Processes;

/// <summary>
/// The one way pibuild starts processes. On cancellation (Ctrl-C, SIGTERM) the child's whole tree gets SIGINT
/// first, as from a terminal, so go test reports what ran and a program can clean up; whatever still runs after
/// <see cref="GracePeriod"/> is killed. Either way the call returns only when the tree is gone, and then throws
/// <see cref="OperationCanceledException"/>, so nothing keeps writing after pibuild reports the interruption.
/// </summary>
internal sealed class ProcessRunner
{
    public ProcessRunner() => InterruptOrigin.Watch();

    private static int _runs;

    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(3);

    public Task<ProcessResult> RunAsync(ProcessSpec spec, ProcessOutput? output = null, CancellationToken cancellationToken = default) =>
        RunCapturedAsync(spec, PipeSource.Null, output, cancellationToken);

    /// <summary>Runs with <paramref name="input"/> as the child's standard input (a file sent to a device over ssh).</summary>
    public Task<ProcessResult> RunAsync(ProcessSpec spec, Stream input, CancellationToken cancellationToken) =>
        RunCapturedAsync(spec, PipeSource.FromStream(input), null, cancellationToken);

    private async Task<ProcessResult> RunCapturedAsync(ProcessSpec spec, PipeSource input, ProcessOutput? output, CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Build(spec)
            .WithStandardInputPipe(input)
            .WithStandardOutputPipe(Target(stdout, output?.OnStandardOutput))
            .WithStandardErrorPipe(Target(stderr, output?.OnStandardError));

        var exitCode = await ExecuteAsync(command, spec, cancellationToken).ConfigureAwait(false);
        return new ProcessResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with the child reading and writing the given streams (for <c>pibuild run</c>); returns its exit code.</summary>
    public Task<int> RunAttachedAsync(ProcessSpec spec, ProcessStreams streams, CancellationToken cancellationToken = default)
    {
        var command = Build(spec)
            .WithStandardInputPipe(PipeSource.FromStream(streams.Input))
            .WithStandardOutputPipe(PipeTarget.ToStream(streams.Output, autoFlush: true))
            .WithStandardErrorPipe(PipeTarget.ToStream(streams.Error, autoFlush: true));
        return ExecuteAsync(command, spec, cancellationToken);
    }

    private static Command Build(ProcessSpec spec) =>
        Cli.Wrap(spec.FileName)
            .WithArguments(spec.Arguments)
            .WithWorkingDirectory(spec.WorkingDirectory)
            .WithEnvironmentVariables(spec.Environment)
            .WithValidation(CommandResultValidation.None);

    private async Task<int> ExecuteAsync(Command command, ProcessSpec spec, CancellationToken cancellationToken)
    {
        // Every process of this run carries the tag, inherited: one started just as the tree was signalled, and
        // orphaned when its parent exited, is still found by it (there is no parent link left to follow).
        var tag = $"{Environment.ProcessId}.{Interlocked.Increment(ref _runs)}";
        command = command.WithEnvironmentVariables(new Dictionary<string, string?>(spec.Environment) { [ProcessTree.TagVariable] = tag });
        try
        {
            return await ExecuteTaggedAsync(command, spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                ProcessTree.KillTagged(tag);
            }
        }
    }

    private async Task<int> ExecuteTaggedAsync(Command command, ProcessSpec spec, CancellationToken cancellationToken)
    {
        using var forceful = new CancellationTokenSource();
        try
        {
            var task = command.ExecuteAsync(forceful.Token);
            var pid = task.ProcessId;
            await using var interrupt = cancellationToken.Register(() =>
            {
                if (!InterruptOrigin.ReachedChildren)
                {
                    ProcessTree.Interrupt(pid);
                }

                forceful.CancelAfter(GracePeriod);
            });
            var exitCode = (await task.ConfigureAwait(false)).ExitCode;
            cancellationToken.ThrowIfCancellationRequested();
            return exitCode;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException { InnerException: Win32Exception })
        {
            throw NotStarted(spec, e);
        }
        catch (OperationCanceledException e) when (forceful.IsCancellationRequested)
        {
            // Still running after the grace period: CliWrap killed the tree.
            throw new OperationCanceledException($"{Path.GetFileName(spec.FileName)} was stopped", e, cancellationToken);
        }
    }

    private static ProgramNotStartedException NotStarted(ProcessSpec spec, Exception e)
    {
        var inner = e as Win32Exception ?? (Win32Exception)e.InnerException!;
        var reason = inner.InnerException is Win32Exception { } root ? root.Message : inner.Message;
        return new ProgramNotStartedException(spec.FileName, reason, e);
    }

    private static PipeTarget Target(StringBuilder buffer, Action<string>? onLine) =>
        onLine is null
            ? PipeTarget.ToStringBuilder(buffer)
            : PipeTarget.Merge(PipeTarget.ToStringBuilder(buffer), PipeTarget.ToDelegate(onLine));
}
