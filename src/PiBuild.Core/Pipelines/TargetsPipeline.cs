using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>One device of <c>targets detect --on a,b,@group</c>: its board, or why it could not be asked (unreachable, unknown).</summary>
public sealed record FleetBoard(string Name, string Address, DetectedBoard? Board, string? Problem);

/// <summary><c>pibuild targets</c> and <c>targets show NAME</c>: the profiles every layer defines, resolved.</summary>
internal static class TargetsPipeline
{
    public static IReadOnlyList<TargetProfile> List(Workspace workspace) => workspace.Catalog().All;

    public static TargetProfile Show(Workspace workspace, string name) => workspace.Catalog().Get(name);

    /// <summary>
    /// The board pibuild runs on, or the device named with --on (asked over ssh), or a usage error saying what was
    /// seen and what is known.
    /// </summary>
    /// <summary>Every device of a fleet asked at once: its board, or why it could not be asked.</summary>
    public static async Task<IReadOnlyList<FleetBoard>> DetectFleetAsync(Workspace workspace, string on, CancellationToken cancellationToken)
    {
        var config = workspace.Config();
        var members = Fleet.Resolve(on, config.Devices, config.Groups);
        return await Task.WhenAll(members.Select(async m =>
        {
            try
            {
                var device = await Device.ConnectAsync(workspace, m.Address, cancellationToken).ConfigureAwait(false);
                return new FleetBoard(m.Name, m.Address.ToString(), device.Board, device.Board.Profile is null ? TargetSelection.NotAKnownBoard(device.Board, workspace.Catalog(), $"the device {m.Address}").Message : null);
            }
            catch (PiBuildException e)
            {
                return new FleetBoard(m.Name, m.Address.ToString(), null, e.Message);
            }
        })).ConfigureAwait(false);
    }

    public static async Task<DetectedBoard> DetectAsync(Workspace workspace, string? on, CancellationToken cancellationToken)
    {
        if (workspace.DeviceAddress(on) is { } address)
        {
            var device = await Device.ConnectAsync(workspace, address, cancellationToken).ConfigureAwait(false);
            return device.Board.Profile is not null ? device.Board : throw TargetSelection.NotAKnownBoard(device.Board, workspace.Catalog(), $"the device {address}");
        }

        var board = new BoardDetector(workspace.HostRoot).Detect(workspace.Catalog().All);
        return board.Profile is not null ? board : throw TargetSelection.NotAKnownBoard(board, workspace.Catalog());
    }
}
