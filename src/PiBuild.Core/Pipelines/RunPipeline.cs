using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Emulation;
using PiBuild.Core.Processes;
using PiBuild.Core.Streams;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild run</c> was asked for: one board, one command package, its arguments and where its standard streams go.</summary>
/// <param name="On">The device to run on over ssh (--on); null: here, emulated or native.</param>
/// <param name="Cgo">Build with cgo (--cgo); <paramref name="Sysroots"/> are the boards' headers and libraries for it.</param>
/// <param name="GoFlags">go build's flags (-tags=…, -ldflags=…); the program's arguments are <paramref name="Arguments"/>.</param>
public sealed record RunRequest(IReadOnlyList<string> Targets, string Package, IReadOnlyList<string> Arguments, ProcessStreams Streams, string? On = null, bool Cgo = false, IReadOnlyList<string>? Sysroots = null, IReadOnlyList<string>? GoFlags = null);

/// <summary>The program's exit code, and the verified binary that ran.</summary>
public sealed record RunOutcome(int ExitCode, TargetProfile Target, BinaryCheck Binary);

/// <summary>
/// <c>pibuild run</c>: build one command for a board, then run it as that board would (qemu-user with its CPU, or
/// natively), or on the device itself over ssh: the board it says it is, the verified binary copied once per content.
/// </summary>
internal static class RunPipeline
{
    public static async Task<RunOutcome> RunAsync(Workspace workspace, RunRequest request, CancellationToken cancellationToken)
    {
        if (DeviceFleet.AreNamed(workspace, request.On))
        {
            return await RunOnDeviceAsync(workspace, request, cancellationToken).ConfigureAwait(false);
        }

        var named = TargetSelection.Named(workspace.Catalog(), request.Targets, "run");
        var session = await BuildSession.OpenAsync(workspace, [named], workspace.CgoOptions(request.Cgo, request.Sysroots), request.GoFlags, cancellationToken, OnePackage(request)).ConfigureAwait(false);
        var target = session.Targets[0];
        var binary = await BuildOneAsync(workspace, session, request.Package, cancellationToken).ConfigureAwait(false);
        var executor = BoardExecutor.For(target, session.Toolchain, workspace.GetVariable, session.CToolchain(target)?.Sysroot);
        var spec = executor.Command(binary.Path, request.Arguments, Environment.CurrentDirectory);
        workspace.Announce(target.Name, spec);
        var exitCode = await workspace.Runner.RunAttachedAsync(spec, request.Streams, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(exitCode, target, binary);
    }

    private static async Task<RunOutcome> RunOnDeviceAsync(Workspace workspace, RunRequest request, CancellationToken cancellationToken)
    {
        var asked = await DeviceFleet.OneAsync(workspace, request.On, request.Targets, "run", "run", cancellationToken).ConfigureAwait(false);
        var (device, address) = (asked.Device!, asked.Member.Address);
        var session = await BuildSession.OpenAsync(workspace, [asked.Target!], workspace.CgoOptions(request.Cgo, request.Sysroots), request.GoFlags, cancellationToken, OnePackage(request)).ConfigureAwait(false);
        var target = session.Targets[0];
        var binary = await BuildOneAsync(workspace, session, request.Package, cancellationToken).ConfigureAwait(false);
        var program = await device.PlaceProgramAsync(binary.Path, cancellationToken).ConfigureAwait(false);
        var line = ShellQuote.Join([program.Path, .. request.Arguments]);
        workspace.Announce($"{target.Name} on {address}", device.Connection.Command(line));
        var exitCode = await device.RunAttachedAsync(line, request.Streams, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(exitCode, target, binary);
    }

    /// <summary>
    /// <c>run --on a,b,@group</c>: the command built once per distinct board and run on every device at once, each
    /// line of its output marked with the device's name; the exit code is the worst (255 for a device not reached).
    /// Standard input is not shared among devices.
    /// </summary>
    public static async Task<int> RunOnFleetAsync(Workspace workspace, RunRequest request, CancellationToken cancellationToken)
    {
        var members = DeviceFleet.Members(workspace, request.On, "run needs devices: --on pi@kitchen,pi@hall or --on @group (or set PIBUILD_ON)");
        var width = members.Max(m => m.Name.Length);
        var gate = new object();
        Stream Prefixed(Stream stream, FleetMember member) => new LinePrefixStream(stream, member.Name.PadRight(width) + " | ", gate);

        var asked = await DeviceFleet.AskAsync(workspace, members, request.Targets, "run", cancellationToken).ConfigureAwait(false);
        var built = await DeviceFleet.BuildPerBoardAsync(workspace, asked, request.Cgo, request.Sysroots, request.GoFlags, [request.Package], cancellationToken, OnePackage(request)).ConfigureAwait(false);
        var binaries = built.ToDictionary(b => b.Key, b => b.Value.Count == 1
            ? b.Value[0]
            : throw new ConfigurationException($"run needs one command package, but {request.Package} built {b.Value.Count} commands; name one of them"), StringComparer.Ordinal);

        var codes = await Task.WhenAll(asked.Select(async a =>
        {
            await using var output = Prefixed(request.Streams.Output, a.Member);
            await using var error = Prefixed(request.Streams.Error, a.Member);
            if (!a.Ready)
            {
                error.Write(System.Text.Encoding.UTF8.GetBytes($"pibuild: {a.Problem}\n"));
                return 255;
            }

            try
            {
                var program = await a.Device!.PlaceProgramAsync(binaries[a.Target!.Name].Path, cancellationToken).ConfigureAwait(false);
                var line = ShellQuote.Join([program.Path, .. request.Arguments]);
                workspace.Announce($"{a.Target.Name} on {a.Member.Name}", a.Device!.Connection.Command(line));
                return await a.Device!.RunAttachedAsync(line, new ProcessStreams(Stream.Null, output, error), cancellationToken).ConfigureAwait(false);
            }
            catch (PiBuildException e)
            {
                // The device's problem (a copy that failed, a connection that dropped), not the others': 255, as ssh says it.
                error.Write(System.Text.Encoding.UTF8.GetBytes($"pibuild: {e.Message}\n"));
                return 255;
            }
        })).ConfigureAwait(false);
        return codes.Max();
    }

    /// <summary>The line that refuses a package among run's go flags.</summary>
    private static Func<string, string> OnePackage(RunRequest request) => _ => $"run builds one package ({request.Package}); its own arguments go after --";

    /// <summary>The one verified command the package builds for the board.</summary>
    private static async Task<BinaryCheck> BuildOneAsync(Workspace workspace, BuildSession session, string package, CancellationToken cancellationToken)
    {
        var report = await CrossPipeline.BuildAsync(workspace, session, [package], null, cancellationToken).ConfigureAwait(false);
        var binaries = report.Targets.Single().Checks;
        return binaries.Count == 1
            ? binaries[0]
            : throw new ConfigurationException($"run needs one command package, but {package} built {binaries.Count} commands; name one of them");
    }
}
