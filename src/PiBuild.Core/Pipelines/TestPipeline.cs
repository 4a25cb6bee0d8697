using PiBuild.Core.Emulation;
using PiBuild.Core.Targets;
using PiBuild.Core.Testing;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild test</c> was asked for; no target means the board pibuild runs on.</summary>
public sealed record TestRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, IReadOnlyList<string> GoTestFlags);

/// <summary>
/// <c>pibuild test</c>: the project's tests cross-compiled and run as the board runs them (qemu-user with its CPU,
/// or natively on the board), with its stack limit and timeout scale.
/// </summary>
public static class TestPipeline
{
    public static async Task<GoTestReport> RunAsync(Workspace workspace, TestRequest request, CancellationToken cancellationToken)
    {
        var target = TargetSelection.ThisBoard(workspace.Catalog(), request.Targets, workspace.HostRoot, "test");
        var project = workspace.Project();
        var toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
        var executor = BoardExecutor.For(target, toolchain, workspace.GetVariable);
        var plan = GoTestPlanner.Plan(target, request.Packages, request.GoTestFlags, project, toolchain, workspace.Paths, executor);
        workspace.Announce(target.Name, plan.GoTest);
        return await new GoTestRun(workspace.Runner).RunAsync(plan, workspace.Verbose ? workspace.Events.TestOutput : null, cancellationToken).ConfigureAwait(false);
    }
}
