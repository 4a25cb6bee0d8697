using PiBuild.Core.Binaries;
using PiBuild.Core.Emulation;
using PiBuild.Core.Processes;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild run</c> was asked for: one board, one command package, its arguments and where its standard streams go.</summary>
public sealed record RunRequest(IReadOnlyList<string> Targets, string Package, IReadOnlyList<string> Arguments, ProcessStreams Streams);

/// <summary>The program's exit code, and the verified binary that ran.</summary>
public sealed record RunOutcome(int ExitCode, TargetProfile Target, BinaryCheck Binary);

/// <summary><c>pibuild run</c>: build one command for a board, then run it as that board would (qemu-user with its CPU, or natively).</summary>
public static class RunPipeline
{
    public static async Task<RunOutcome> RunAsync(Workspace workspace, RunRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.Named(workspace.Catalog(), request.Targets, "run");
        var report = await CrossPipeline.BuildAsync(workspace, [target], [request.Package], null, cancellationToken).ConfigureAwait(false);
        var binaries = report.Targets.Single().Binaries;
        if (binaries.Count != 1)
        {
            throw new ConfigurationException($"run needs one command package, but {request.Package} built {binaries.Count} commands; name one of them");
        }

        var executor = BoardExecutor.For(target, report.Toolchain, workspace.GetVariable);
        var spec = executor.Command(binaries[0].Path, request.Arguments, Environment.CurrentDirectory);
        workspace.Announce(target.Name, spec);
        var exitCode = await workspace.Runner.RunAttachedAsync(spec, request.Streams, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(exitCode, target, binaries[0]);
    }
}
