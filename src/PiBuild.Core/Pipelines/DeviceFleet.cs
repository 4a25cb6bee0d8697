using PiBuild.Core.Addresses;
using PiBuild.Core.Binaries;
using PiBuild.Core.Builds;
using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>
/// One device of <c>--on</c>, asked: connected, with the board pibuild builds for it (its own <c>target:</c> from
/// pibuild.yaml, else the one named, else what it says it is), or why it could not be used.
/// </summary>
/// <param name="Refused">It was reached, but no named board fits it (or it is no board pibuild knows).</param>
internal sealed record AskedDevice(FleetMember Member, Device? Device, TargetProfile? Target, string? Problem, bool Refused = false)
{
    public bool Ready => Device is not null && Target is not null;
}

/// <summary>
/// The one way every command that works on devices (targets detect, run, test, deploy, sysroot) gets them: <c>--on</c> resolved into
/// devices (addresses, pibuild.yaml's names and groups), every device asked at once what it is, one build per
/// distinct board. One device is a fleet of one: it is asked the same way, and its failure is the command's, said as
/// it happened (exit code and all) rather than as a row of a table.
/// </summary>
internal static class DeviceFleet
{
    /// <summary>The devices <paramref name="on"/> (else PIBUILD_ON) names, in order, each once.</summary>
    public static IReadOnlyList<FleetMember> Members(Workspace workspace, string? on, string needs)
    {
        var text = on ?? workspace.GetVariable(DeviceAddress.Variable);
        if (string.IsNullOrEmpty(text))
        {
            throw new ConfigurationException(needs);
        }

        var config = workspace.Config();
        return Fleet.Resolve(text, config.Devices, config.Groups);
    }

    /// <summary>Whether <paramref name="on"/> (else PIBUILD_ON) names a device at all: the command works there, not here.</summary>
    public static bool AreNamed(Workspace workspace, string? on) => (on ?? workspace.GetVariable(DeviceAddress.Variable)) is { Length: > 0 };

    /// <summary>
    /// The one device of a command that works on one (run, test, targets detect, sysroot): a name from pibuild.yaml or an
    /// address, asked as every device is; several are refused. With <paramref name="anyBoard"/> a device that is no board
    /// pibuild knows is still used (a sysroot can be copied from anything).
    /// </summary>
    public static async Task<AskedDevice> OneAsync(
        Workspace workspace, string? on, IReadOnlyList<string> named, string? verb, string command, CancellationToken cancellationToken, bool anyBoard = false)
    {
        var members = Members(workspace, on, $"{command} needs a device: --on pi@raspberrypi.local (or set PIBUILD_ON)");
        if (members.Count > 1)
        {
            throw new ConfigurationException($"{command} --on takes one device, not {members.Count} ({string.Join(", ", members.Select(m => m.Name))}); name one of them");
        }

        return (await AskAsync(workspace, members, named, verb, cancellationToken, anyBoard).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Every device asked at once. With <paramref name="verb"/> each gets its board picked (a device of a 64-bit board
    /// on a 32-bit userland, a named board that does not fit: refused). A fleet's progress is told device by device.
    /// </summary>
    public static async Task<IReadOnlyList<AskedDevice>> AskAsync(
        Workspace workspace, IReadOnlyList<FleetMember> members, IReadOnlyList<string> named, string? verb, CancellationToken cancellationToken, bool anyBoard = false)
    {
        var alone = members.Count == 1;
        void Tell(FleetMember member, string stage, string? detail = null) => DeviceFleet.Tell(workspace, alone, member, stage, detail);

        return await Task.WhenAll(members.Select(async member =>
        {
            Tell(member, "detecting");
            Device device;
            try
            {
                device = await Device.ConnectAsync(workspace, member.Address, cancellationToken).ConfigureAwait(false);
            }
            catch (PiBuildException e) when (!alone)
            {
                Tell(member, "unreachable", e.Message);
                return new AskedDevice(member, null, null, e.Message);
            }

            try
            {
                var target = verb is null
                    ? device.Board.Profile ?? (anyBoard ? null : throw TargetSelection.NotAKnownBoard(device.Board, workspace.Catalog(), $"the device {member.Address}"))
                    : TargetSelection.ForDevice(workspace.Catalog(), member.Target is { } own ? [own] : named, device.Board, member.Address.ToString(), verb);
                return new AskedDevice(member, device, target, null);
            }
            catch (ConfigurationException e) when (!alone)
            {
                Tell(member, "refused", e.Message);
                return new AskedDevice(member, device, null, e.Message, Refused: true);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>One build per distinct board of the ready devices, each verified for its board: board name → its commands.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<BinaryCheck>>> BuildPerBoardAsync(
        Workspace workspace, IEnumerable<AskedDevice> devices, bool cgo, IReadOnlyList<string>? sysroots, IReadOnlyList<string>? goFlags, IReadOnlyList<string> packages,
        CancellationToken cancellationToken, Func<string, string>? refusePackage = null)
    {
        var boards = devices.Where(d => d.Ready).Select(d => d.Target!).DistinctBy(t => t.Name).ToArray();
        var binaries = new Dictionary<string, IReadOnlyList<BinaryCheck>>(StringComparer.Ordinal);
        if (boards.Length == 0)
        {
            return binaries;
        }

        var session = await BuildSession.OpenAsync(workspace, boards, workspace.CgoOptions(cgo, sysroots), goFlags, cancellationToken, refusePackage).ConfigureAwait(false);
        var report = await CrossPipeline.BuildAsync(workspace, session, [.. packages, .. session.MorePackages], null, cancellationToken).ConfigureAwait(false);
        foreach (var built in report.Targets)
        {
            binaries[built.Target.Name] = built.Checks;
        }

        return binaries;
    }

    /// <summary>A fleet's progress, device by device; a fleet of one's is the command's own, so nothing is told for it.</summary>
    public static void Tell(Workspace workspace, bool alone, FleetMember member, string stage, string? detail = null)
    {
        if (!alone)
        {
            workspace.Events.Device(new DeviceProgress(member.Name, stage, detail));
        }
    }

    /// <summary>Where a command goes on a device: <c>TO/NAME</c>, the one spelling of it.</summary>
    public static string Destination(string to, string name) => $"{to.TrimEnd('/')}/{name}";
}
