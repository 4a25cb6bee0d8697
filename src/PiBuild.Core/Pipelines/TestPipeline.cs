using PiBuild.Core.Devices;
using PiBuild.Core.Emulation;
using PiBuild.Core.Go;
using PiBuild.Core.Targets;
using PiBuild.Core.Testing;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild test</c> was asked for; no target means the board pibuild runs on.</summary>
/// <param name="On">The device to run the tests on over ssh (--on); null: here (emulated, or natively on a Pi).</param>
/// <param name="Cgo">Build the tests with cgo (--cgo); <paramref name="Sysroots"/> are the boards' headers and libraries for it.</param>
public sealed record TestRequest(IReadOnlyList<string> Targets, IReadOnlyList<string> Packages, IReadOnlyList<string> GoTestFlags, string? On = null, bool Cgo = false, IReadOnlyList<string>? Sysroots = null);

/// <summary>
/// <c>pibuild test</c>: the project's tests cross-compiled and run as the board runs them (qemu-user with its CPU,
/// or natively on the board), with its stack limit and timeout scale.
/// </summary>
public static class TestPipeline
{
    public static async Task<GoTestReport> RunAsync(Workspace workspace, TestRequest request, CancellationToken cancellationToken)
    {
        var options = workspace.CgoOptions(request.Cgo, request.Sysroots);
        TargetProfile target;
        string? exec;
        GoToolchain toolchain;
        if (workspace.DeviceAddress(request.On) is { } address)
        {
            // Asked first, so a board the device cannot run is refused before anything is built or copied.
            var device = await Device.ConnectAsync(workspace, address, cancellationToken).ConfigureAwait(false);
            target = options.Apply(TargetSelection.ForDevice(workspace.Catalog(), request.Targets, device.Board, address.ToString(), "test"));
            toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
            exec = DeviceExec.GoTestExec(device, target);
        }
        else
        {
            target = options.Apply(TargetSelection.ThisBoard(workspace.Catalog(), request.Targets, workspace.HostRoot, "test"));
            toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
            exec = BoardExecutor.For(target, toolchain, workspace.GetVariable, options.SysrootFor(target)).GoTestExec;
        }

        options.Check([target], workspace.Paths, workspace.GetVariable);
        var cgo = target.Cgo ? CgoToolchain.For(target, options.SysrootFor(target), workspace.Paths) : null;
        cgo?.PrepareStartFiles();
        var plan = GoTestPlanner.Plan(target, request.Packages, request.GoTestFlags, workspace.Project(), toolchain, workspace.Paths, exec, cgo);
        workspace.Announce(target.Name, plan.GoTest);
        return await new GoTestRun(workspace.Runner).RunAsync(plan, workspace.Verbose ? workspace.Events.TestOutput : null, cancellationToken).ConfigureAwait(false);
    }
}
