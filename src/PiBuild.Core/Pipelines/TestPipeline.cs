using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Emulation;
using PiBuild.Core.Targets;
using PiBuild.Core.Testing;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild test</c> was asked for; no target means the board pibuild runs on.</summary>
/// <param name="On">The device to run the tests on over ssh (--on); null: here (emulated, or natively on a Pi).</param>
/// <param name="Cgo">Build the tests with cgo (--cgo); <paramref name="Sysroots"/> are the boards' headers and libraries for it.</param>
/// <param name="GoFlags">go build's flags for the test binaries (-tags=…, -ldflags=…); go test's own are <paramref name="GoTestFlags"/>.</param>
public sealed record TestRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, IReadOnlyList<string> GoTestFlags, string? On = null, bool Cgo = false, IReadOnlyList<string>? Sysroots = null, IReadOnlyList<string>? GoFlags = null);

/// <summary>
/// <c>pibuild test</c>: the project's tests cross-compiled and run as the board runs them (qemu-user with its CPU,
/// or natively on the board), with its stack limit and timeout scale.
/// </summary>
internal static class TestPipeline
{
    public static async Task<GoTestReport> RunAsync(Workspace workspace, TestRequest request, CancellationToken cancellationToken)
    {
        var cgo = workspace.CgoOptions(request.Cgo, request.Sysroots);
        GoBuildFlags.CheckTestFlags(request.GoTestFlags);
        BuildSession session;
        string? exec;
        if (DeviceFleet.AreNamed(workspace, request.On))
        {
            // Asked first, so a board the device cannot run is refused before anything is built or copied.
            var device = await DeviceFleet.OneAsync(workspace, request.On, request.Targets, "test", "test", cancellationToken).ConfigureAwait(false);
            session = await BuildSession.OpenAsync(workspace, [device.Target!], cgo, request.GoFlags, cancellationToken).ConfigureAwait(false);
            exec = DeviceExec.GoTestExec(device.Device!, session.Targets[0]);
        }
        else
        {
            var selected = TargetSelection.ThisBoard(workspace.Catalog(), request.Targets, workspace.HostRoot, "test");
            session = await BuildSession.OpenAsync(workspace, [selected], cgo, request.GoFlags, cancellationToken).ConfigureAwait(false);
            var target = session.Targets[0];
            exec = BoardExecutor.For(target, session.Toolchain, workspace.GetVariable, session.CToolchain(target)?.Sysroot).GoTestExec;
        }

        var plan = GoTestPlanner.Plan(session, request.Packages, request.GoTestFlags, exec);
        session.CToolchain(plan.Target)?.PrepareStartFiles();
        workspace.Announce(plan.Target.Name, plan.GoTest);
        return await new GoTestRun(workspace.Runner).RunAsync(plan, workspace.Verbose ? workspace.Events.TestOutput : null, cancellationToken).ConfigureAwait(false);
    }
}
