using PiBuild.Core.Devices;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary><c>pibuild targets</c> and <c>targets show NAME</c>: the profiles every layer defines, resolved.</summary>
internal static class TargetsPipeline
{
    public static IReadOnlyList<TargetProfile> List(Workspace workspace) => workspace.Catalog().All;

    public static TargetProfile Show(Workspace workspace, string name) => workspace.Catalog().Get(name);

    /// <summary>
    /// The board pibuild runs on, or the device named with --on (asked over ssh), or a usage error saying what was
    /// seen and what is known.
    /// </summary>
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
