using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary><c>pibuild targets</c> and <c>targets show NAME</c>: the profiles every layer defines, resolved.</summary>
public static class TargetsPipeline
{
    public static IReadOnlyList<TargetProfile> List(Workspace workspace) => workspace.Catalog().All;

    public static TargetProfile Show(Workspace workspace, string name) => workspace.Catalog().Get(name);
}
