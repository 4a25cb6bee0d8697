using PiBuild.Core.Go;
using PiBuild.Core.Projects;
using PiBuild.Core.Releases;
using PiBuild.Core.Targets;

namespace PiBuild.Core.Pipelines;

/// <summary>What <c>pibuild release merge</c> was asked for: the shards' output directories and where the release goes.</summary>
public sealed record ReleaseMergeRequest(IReadOnlyList<string> ShardDirectories, string OutputDirectory, bool Clean);

/// <summary><c>pibuild release</c> (reproducible archives, SHA256SUMS, manifest) and <c>release merge</c> (the shards of a CI matrix joined).</summary>
public static class ReleasePipeline
{
    public static async Task<ReleaseManifest> RunAsync(Workspace workspace, ReleaseRequest request, CancellationToken cancellationToken)
    {
        var project = workspace.Project();
        var config = workspace.Config();
        config.CheckTargets(workspace.Catalog());
        var cgo = workspace.CgoOptions(request.Cgo, request.Sysroots);
        var targets = TargetSelection.Many(workspace.Catalog(), request.Targets, config.Targets, "release").Select(cgo.Apply).ToArray();
        cgo.Check(targets, workspace.Paths, workspace.GetVariable);

        var toolchain = await workspace.ToolchainAsync(cancellationToken).ConfigureAwait(false);
        return await new ReleaseBuild(workspace.Runner, workspace.Paths, workspace.GetVariable)
            .RunAsync(targets, request, project, toolchain, config, cgo, workspace.Events, workspace.Verbose, cancellationToken).ConfigureAwait(false);
    }

    public static Task<ReleaseManifest> MergeAsync(ReleaseMergeRequest request, CancellationToken cancellationToken) =>
        ReleaseMerge.MergeAsync(request.ShardDirectories, request.OutputDirectory, request.Clean, cancellationToken);
}
