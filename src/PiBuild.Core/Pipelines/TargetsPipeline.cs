using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>One device of <c>targets detect --on a,b,@group</c>: its board, or why it could not be asked (unreachable, unknown).</summary>
public sealed record FleetBoard(string Name, string Address, DetectedBoard? Board, string? Problem);

/// <summary><c>pibuild targets</c> and <c>targets show NAME</c>: the profiles every layer defines, resolved.</summary>
internal static class TargetsPipeline
{
    public static IReadOnlyList<TargetProfile> List(Workspace workspace) => workspace.Catalog().All;

    public static TargetProfile Show(Workspace workspace, string name) => workspace.Catalog().Get(name);

    /// <summary>Every device of a fleet asked at once: its board, or why it could not be asked.</summary>
    public static async Task<IReadOnlyList<FleetBoard>> DetectFleetAsync(Workspace workspace, string on, CancellationToken cancellationToken)
    {
        var members = DeviceFleet.Members(workspace, on, "targets detect --on needs devices");
        var asked = await DeviceFleet.AskAsync(workspace, members, [], null, cancellationToken).ConfigureAwait(false);
        return asked.Select(a => new FleetBoard(a.Member.Name, a.Member.Address.ToString(), a.Device?.Board, a.Problem)).ToArray();
    }

    /// <summary>
    /// The board pibuild runs on, or the device named with --on (asked over ssh), or a usage error saying what was
    /// seen and what is known.
    /// </summary>
    public static async Task<DetectedBoard> DetectAsync(Workspace workspace, string? on, CancellationToken cancellationToken)
    {
        if (DeviceFleet.AreNamed(workspace, on))
        {
            return (await DeviceFleet.OneAsync(workspace, on, [], null, "targets detect", cancellationToken).ConfigureAwait(false)).Device!.Board;
        }

        var board = new BoardDetector(workspace.HostRoot).Detect(workspace.Catalog().All);
        return board.Profile is not null ? board : throw TargetSelection.NotAKnownBoard(board, workspace.Catalog());
    }
}
