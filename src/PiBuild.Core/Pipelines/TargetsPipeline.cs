using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary><c>pibuild targets</c> and <c>targets show NAME</c>: the profiles every layer defines, resolved.</summary>
public static class TargetsPipeline
{
    public static IReadOnlyList<TargetProfile> List(Workspace workspace) => workspace.Catalog().All;

    public static TargetProfile Show(Workspace workspace, string name) => workspace.Catalog().Get(name);

    /// <summary>The board pibuild runs on, or a usage error saying what was seen and what is known.</summary>
    public static DetectedBoard Detect(Workspace workspace)
    {
        var board = new BoardDetector(workspace.HostRoot).Detect(workspace.Catalog().All);
        return board.Profile is not null ? board : throw TargetSelection.NotAKnownBoard(board, workspace.Catalog());
    }
}
