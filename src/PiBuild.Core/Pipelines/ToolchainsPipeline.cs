using PiBuild.Core.Go;

namespace PiBuild.Core.Pipelines;

/// <summary><c>pibuild toolchains</c> and <c>toolchains prune</c>: the Go releases pibuild fetched into its cache.</summary>
internal static class ToolchainsPipeline
{
    /// <summary>Newest first.</summary>
    public static IReadOnlyList<CachedToolchain> List(Workspace workspace) => new ToolchainStore(workspace.Paths).List();

    /// <summary>Keeps the <paramref name="keep"/> most recently used; returns the ones removed.</summary>
    public static IReadOnlyList<CachedToolchain> Prune(Workspace workspace, int keep) =>
        keep >= 0 ? new ToolchainStore(workspace.Paths).Prune(keep) : throw new ConfigurationException("--keep must be 0 or more");
}
